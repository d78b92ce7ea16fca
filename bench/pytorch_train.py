#!/usr/bin/env python3
"""Plain-PyTorch baseline for `trl4j bench train`: one optimizer step (forward, backward, clip_grad_norm_,
AdamW) of the same models trl4j trains, on the same shapes, timed on this machine. Prints one JSON object.

- gpt2-bench: GPT-2 6x512, 8 heads, vocab 16384 (the minimal GPT-2 of pytorch_gpt2.py), batch x length
  random tokens, causal LM loss over every next token.
- t5-small: T5 v1.0 (relu FFN, RMSNorm, relative position bias in layer 0, tied head with the d_model^-0.5
  rescale), d_model 512, 6+6 layers, 8 heads x 64, d_ff 2048, vocab 32128; source and target random
  tokens, cross-entropy over every target token, decoder input = shift_right(target).

No dropout on either side (the step's compute, not its regularisation). Also measures this library's fp32
matmul peak (best of several 2048^3 GEMMs) for the model-FLOPs utilisation.
Uses Debian's python3-torch (installed with apt-get if missing). Run with /usr/bin/python3.
"""
import argparse, json, math, os, sys, time

sys.path.insert(0, os.path.dirname(os.path.abspath(__file__)))
from pytorch_gpt2 import Gpt2  # noqa: E402  (installs torch if missing)
import torch  # noqa: E402
import torch.nn.functional as F  # noqa: E402


class T5:
    """T5 v1.0 as transformers' T5ForConditionalGeneration computes it (no dropout)."""

    def __init__(self, vocab, d, dkv, dff, layers, heads, seed, buckets=32, max_distance=128):
        g = torch.Generator().manual_seed(seed)
        inner = heads * dkv
        n = lambda *s, std: (torch.randn(*s, generator=g) * std).requires_grad_()
        o = lambda *s: torch.ones(*s).requires_grad_()
        self.d, self.h, self.dkv, self.layers, self.buckets, self.max_distance = d, heads, dkv, layers, buckets, max_distance
        self.shared = n(vocab, d, std=1.0)
        att = lambda: dict(q=n(inner, d, std=(d * dkv) ** -0.5), k=n(inner, d, std=d ** -0.5),
                           v=n(inner, d, std=d ** -0.5), o=n(d, inner, std=inner ** -0.5))
        ffn = lambda: dict(wi=n(dff, d, std=d ** -0.5), wo=n(d, dff, std=dff ** -0.5))
        self.enc = [dict(ln0=o(d), sa=att(), ln1=o(d), ff=ffn()) for _ in range(layers)]
        self.dec = [dict(ln0=o(d), sa=att(), ln1=o(d), ca=att(), ln2=o(d), ff=ffn()) for _ in range(layers)]
        self.enc_bias = n(buckets, heads, std=d ** -0.5)
        self.dec_bias = n(buckets, heads, std=d ** -0.5)
        self.enc_ln, self.dec_ln = o(d), o(d)

    def parameters(self):
        ps = [self.shared, self.enc_bias, self.dec_bias, self.enc_ln, self.dec_ln]
        for blk in self.enc + self.dec:
            for v in blk.values():
                ps += list(v.values()) if isinstance(v, dict) else [v]
        return ps

    @staticmethod
    def rms(x, w):
        return w * (x * torch.rsqrt(x.pow(2).mean(-1, keepdim=True) + 1e-6))

    def bucket(self, rel, bidirectional):
        n = self.buckets
        ret = 0
        if bidirectional:
            n //= 2
            ret = (rel > 0).long() * n
            rel = rel.abs()
        else:
            rel = -torch.min(rel, torch.zeros_like(rel))
        exact = n // 2
        large = exact + (torch.log(rel.float() / exact) / math.log(self.max_distance / exact) * (n - exact)).long()
        large = torch.min(large, torch.full_like(large, n - 1))
        return ret + torch.where(rel < exact, rel, large)

    def position_bias(self, table, q_len, k_len, bidirectional):
        rel = torch.arange(k_len)[None, :] - torch.arange(q_len)[:, None]
        return F.embedding(self.bucket(rel, bidirectional), table).permute(2, 0, 1)[None]  # (1, H, T, K)

    def attend(self, p, x, kv, bias):
        B, T, _ = x.shape
        split = lambda t: t.view(B, -1, self.h, self.dkv).transpose(1, 2)
        q, k, v = split(F.linear(x, p["q"])), split(F.linear(kv, p["k"])), split(F.linear(kv, p["v"]))
        y = ((q @ k.transpose(-2, -1)) + bias).softmax(-1) @ v
        return F.linear(y.transpose(1, 2).reshape(B, T, -1), p["o"])

    def ffn(self, p, x):
        return F.linear(F.relu(F.linear(x, p["wi"])), p["wo"])

    def loss(self, src, tgt):
        B, S = src.shape
        T = tgt.shape[1]
        x = F.embedding(src, self.shared)
        bias = self.position_bias(self.enc_bias, S, S, True)
        for b in self.enc:
            x = x + self.attend(b["sa"], self.rms(x, b["ln0"]), self.rms(x, b["ln0"]), bias)
            x = x + self.ffn(b["ff"], self.rms(x, b["ln1"]))
        enc = self.rms(x, self.enc_ln)
        dec_in = torch.cat([torch.zeros(B, 1, dtype=torch.long), tgt[:, :-1]], 1)  # shift_right, start = pad = 0
        y = F.embedding(dec_in, self.shared)
        causal = torch.full((T, T), torch.finfo(torch.float32).min).triu(1)
        self_bias = self.position_bias(self.dec_bias, T, T, False) + causal
        for b in self.dec:
            h = self.rms(y, b["ln0"])
            y = y + self.attend(b["sa"], h, h, self_bias)
            y = y + self.attend(b["ca"], self.rms(y, b["ln1"]), enc, 0.0)
            y = y + self.ffn(b["ff"], self.rms(y, b["ln2"]))
        logits = F.linear(self.rms(y, self.dec_ln) * self.d ** -0.5, self.shared)
        return F.cross_entropy(logits.reshape(-1, logits.shape[-1]), tgt.reshape(-1))


def gpt2_loss(model, ids):
    B, T = ids.shape
    h = model.forward(ids, torch.arange(T).expand(B, T), torch.full((T, T), torch.finfo(torch.float32).min).triu(1))
    logits = model.logits(h[:, :-1])
    return F.cross_entropy(logits.reshape(-1, logits.shape[-1]), ids[:, 1:].reshape(-1))


def matmul_peak(n=2048, repeats=5):
    a, b = torch.randn(n, n), torch.randn(n, n)
    a @ b
    best = float("inf")
    for _ in range(repeats):
        t0 = time.perf_counter()
        a @ b
        best = min(best, time.perf_counter() - t0)
    return 2 * n ** 3 / best / 1e9


def main():
    ap = argparse.ArgumentParser()
    ap.add_argument("--model", choices=["gpt2-bench", "t5-small"], default="gpt2-bench")
    ap.add_argument("--batch-size", type=int, default=8)
    ap.add_argument("--seq-len", type=int, default=256)
    ap.add_argument("--target-len", type=int, default=32)
    ap.add_argument("--steps", type=int, default=3)
    ap.add_argument("--threads", type=int, default=0)
    a = ap.parse_args()
    if a.threads > 0:
        torch.set_num_threads(a.threads)
    torch.manual_seed(0)
    g = torch.Generator().manual_seed(1)
    if a.model == "gpt2-bench":
        model = Gpt2(16384, 512, 512, 6, 8, seed=0)
        ids = torch.randint(0, 16384, (a.batch_size, a.seq_len), generator=g)
        step_loss = lambda: gpt2_loss(model, ids)
        tokens = a.batch_size * a.seq_len
    else:
        model = T5(32128, 512, 64, 2048, 6, 8, seed=0)
        src = torch.randint(2, 32128, (a.batch_size, a.seq_len), generator=g)
        tgt = torch.randint(2, 32128, (a.batch_size, a.target_len), generator=g)
        step_loss = lambda: model.loss(src, tgt)
        tokens = a.batch_size * (a.seq_len + a.target_len)
    params = model.parameters()
    opt = torch.optim.AdamW(params, lr=1e-4, weight_decay=0.01)

    def step():
        loss = step_loss()
        loss.backward()
        torch.nn.utils.clip_grad_norm_(params, 1.0)
        opt.step()
        opt.zero_grad(set_to_none=False)
        return loss.item()

    step()  # warm-up (allocations, optimizer state)
    times = []
    for _ in range(a.steps):
        t0 = time.perf_counter()
        step()
        times.append(time.perf_counter() - t0)
    best = min(times)
    print(json.dumps({
        "engine": "pytorch " + torch.__version__, "threads": torch.get_num_threads(), "model": a.model,
        "tokens_per_step": tokens, "step_s": best, "tokens_per_s": tokens / best,
        "matmul_peak_gflops": matmul_peak(),
    }))


if __name__ == "__main__":
    main()
