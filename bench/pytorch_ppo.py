#!/usr/bin/env python3
"""Plain-PyTorch baseline for `trl4j bench ppo`: one PPO iteration written the way TRL/trlX run it, on the
GPT-2 bench shape with the minimal GPT-2 of pytorch_gpt2.py. Phases timed like trl4j's:

  generate  sample new_tokens per prompt with a KV cache (temperature 1, no top-k/top-p, EOS never chosen)
  score     policy forward (logprobs + trlX's MLP value head), reference forward, reward model forward
            (prompt + response + EOS, score head at the last token)
  train     per-token rewards (score - beta*KL), GAE, advantage whitening, then ppo_epochs passes over
            minibatches: clipped policy + value loss, backward, clip_grad_norm_(1.0), AdamW

Prints one JSON object. Debian's python3-torch (installed with apt-get if missing); run with /usr/bin/python3.
"""
import argparse, json, math, os, sys, time

sys.path.insert(0, os.path.dirname(os.path.abspath(__file__)))
import pytorch_gpt2  # noqa: E402  (installs torch when missing)
from pytorch_gpt2 import Gpt2, causal_bias  # noqa: E402
import torch  # noqa: E402
import torch.nn.functional as F  # noqa: E402


class Head:
    """trlX's make_head: Linear(d, 2d) -> ReLU -> Linear(2d, 1)."""

    def __init__(self, d, seed):
        g = torch.Generator().manual_seed(seed)
        u = lambda fan_in, *s: ((torch.rand(*s, generator=g) * 2 - 1) / math.sqrt(fan_in)).requires_grad_()
        self.w0, self.b0, self.w2, self.b2 = u(d, 2 * d, d), u(d, 2 * d), u(2 * d, 1, 2 * d), u(2 * d, 1)

    def parameters(self):
        return [self.w0, self.b0, self.w2, self.b2]

    def __call__(self, h):
        return F.linear(F.relu(F.linear(h, self.w0, self.b0)), self.w2, self.b2).squeeze(-1)


def generate(policy, prompt, new_tokens, eos, gen):
    """Sampling with a KV cache; returns (responses (B, R), logprobs (B, R))."""
    B, P = prompt.shape
    cache = [None] * policy.layers
    h = policy.forward(prompt, torch.arange(P).expand(B, P), causal_bias(P), cache)
    logits = policy.logits(h[:, -1])
    tokens, logps = [], []
    for s in range(new_tokens):
        logits[:, eos] = -math.inf  # min_new_tokens = new_tokens: every row runs to the end
        logp = logits.log_softmax(-1)
        tok = torch.multinomial(logp.exp(), 1, generator=gen)
        tokens.append(tok)
        logps.append(logp.gather(1, tok))
        if s < new_tokens - 1:
            h = policy.forward(tok, torch.full((B, 1), P + s, dtype=torch.long), None, cache)
            logits = policy.logits(h[:, -1])
    return torch.cat(tokens, 1), torch.cat(logps, 1)


def policy_pass(model, head, tokens, P, R):
    T = tokens.shape[1]
    h = model.forward(tokens, torch.arange(T).expand(tokens.shape[0], T), causal_bias(T))
    hr = h[:, P - 1:P + R - 1]
    logp = model.logits(hr).log_softmax(-1).gather(2, tokens[:, P:].unsqueeze(-1)).squeeze(-1)
    return logp, (head(hr) if head is not None else None)


def whiten(x):
    return (x - x.mean()) * torch.rsqrt(x.var() + 1e-8)


def iteration(policy, head, ref, rm, score_w, opt, params, prompt, a, gen):
    t0 = time.perf_counter()
    with torch.no_grad():
        responses, _ = generate(policy, prompt, a.new_tokens, 1, gen)
    t1 = time.perf_counter()
    P, R = prompt.shape[1], responses.shape[1]
    tokens = torch.cat([prompt, responses], 1)
    with torch.no_grad():
        logprobs, values = policy_pass(policy, head, tokens, P, R)
        ref_logprobs, _ = policy_pass(ref, None, tokens, P, R)
        with_eos = torch.cat([tokens, torch.ones(tokens.shape[0], 1, dtype=torch.long)], 1)
        T = with_eos.shape[1]
        hs = rm.forward(with_eos, torch.arange(T).expand(with_eos.shape[0], T), causal_bias(T))
        scores = F.linear(hs[:, -1], score_w).squeeze(-1)
    t2 = time.perf_counter()
    rewards = -0.05 * (logprobs - ref_logprobs)
    rewards[:, -1] += scores
    adv, last = torch.zeros_like(rewards), torch.zeros(rewards.shape[0])
    for t in reversed(range(R)):
        nxt = values[:, t + 1] if t < R - 1 else 0.0
        last = rewards[:, t] + nxt - values[:, t] + 0.95 * last
        adv[:, t] = last
    returns = adv + values
    adv = whiten(adv)
    B = prompt.shape[0]
    for _ in range(a.epochs):
        perm = torch.randperm(B, generator=gen)
        for start in range(0, B, a.mini_batch):
            idx = perm[start:start + a.mini_batch]
            logp, v = policy_pass(policy, head, tokens[idx], P, R)
            ratio = (logp - logprobs[idx]).exp()
            pg = torch.max(-adv[idx] * ratio, -adv[idx] * ratio.clamp(0.8, 1.2)).mean()
            vc = values[idx] + (v - values[idx]).clamp(-0.2, 0.2)
            vf = 0.5 * torch.max((v - returns[idx]) ** 2, (vc - returns[idx]) ** 2).mean()
            loss = pg + 0.1 * vf
            loss.backward()
            torch.nn.utils.clip_grad_norm_(params, 1.0)
            opt.step()
            opt.zero_grad()
    t3 = time.perf_counter()
    return {"generate_s": t1 - t0, "score_s": t2 - t1, "train_s": t3 - t2, "iteration_s": t3 - t0}


def main():
    ap = argparse.ArgumentParser()
    ap.add_argument("--batch-size", type=int, default=16)
    ap.add_argument("--prompt-len", type=int, default=128)
    ap.add_argument("--new-tokens", type=int, default=64)
    ap.add_argument("--epochs", type=int, default=4)
    ap.add_argument("--mini-batch", type=int, default=8)
    ap.add_argument("--repeats", type=int, default=1)
    ap.add_argument("--threads", type=int, default=0)
    ap.add_argument("--vocab", type=int, default=16384)
    a = ap.parse_args()
    if a.threads > 0:
        torch.set_num_threads(a.threads)
    torch.manual_seed(0)
    policy = Gpt2(a.vocab, 512, 512, 6, 8, seed=0)
    head = Head(512, seed=3)
    ref = Gpt2(a.vocab, 512, 512, 6, 8, seed=0)  # a full copy of the initial policy
    for p in ref.parameters():
        p.requires_grad_(False)
    rm = Gpt2(a.vocab, 512, 512, 6, 8, seed=1)
    for p in rm.parameters():
        p.requires_grad_(False)
    score_w = torch.randn(1, 512, generator=torch.Generator().manual_seed(2)) * 0.02
    params = policy.parameters() + head.parameters()
    opt = torch.optim.AdamW(params, lr=1e-5, weight_decay=0.0)
    gen = torch.Generator().manual_seed(1)
    prompt = torch.randint(3, a.vocab, (a.batch_size, a.prompt_len), generator=gen)
    iteration(policy, head, ref, rm, score_w, opt, params, prompt, a, gen)  # warm-up
    runs = [iteration(policy, head, ref, rm, score_w, opt, params, prompt, a, gen) for _ in range(a.repeats)]
    best = {k: min(r[k] for r in runs) for k in runs[0]}
    print(json.dumps(dict(engine="pytorch " + torch.__version__, threads=torch.get_num_threads(), **best)))


if __name__ == "__main__":
    main()
