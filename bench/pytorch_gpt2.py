#!/usr/bin/env python3
"""Plain-PyTorch baseline for `trl4j bench`: a minimal GPT-2 (same math as HF GPT2LMHeadModel) with a
KV cache, timed on the same shapes as the Java side. Prints one JSON object.

Uses Debian's python3-torch with OpenBLAS (installed with apt-get if missing, see pytorch_setup.py).
Run with /usr/bin/python3.
"""
import argparse, json, math, os, sys, time


sys.path.insert(0, os.path.dirname(os.path.abspath(__file__)))
from pytorch_setup import ensure_torch  # noqa: E402

ensure_torch()
import torch  # noqa: E402
import torch.nn.functional as F  # noqa: E402


class Gpt2:
    """GPT-2 with (out, in) linear weights, pre-norm blocks, tanh GELU, tied head."""

    def __init__(self, vocab, positions, d, layers, heads, seed):
        g = torch.Generator().manual_seed(seed)
        n = lambda *s, std=0.02: (torch.randn(*s, generator=g) * std).requires_grad_()
        z = lambda *s: torch.zeros(*s).requires_grad_()
        o = lambda *s: torch.ones(*s).requires_grad_()
        self.d, self.h, self.layers = d, heads, layers
        self.wte, self.wpe = n(vocab, d), n(positions, d)
        res = 0.02 / math.sqrt(2 * layers)
        self.blocks = [dict(ln1w=o(d), ln1b=z(d), attw=n(3 * d, d), attb=z(3 * d), projw=n(d, d, std=res), projb=z(d),
                            ln2w=o(d), ln2b=z(d), fcw=n(4 * d, d), fcb=z(4 * d), fc2w=n(d, 4 * d, std=res), fc2b=z(d))
                       for _ in range(layers)]
        self.lnfw, self.lnfb = o(d), z(d)

    def parameters(self):
        ps = [self.wte, self.wpe, self.lnfw, self.lnfb]
        for b in self.blocks:
            ps += list(b.values())
        return ps

    def forward(self, ids, pos, mask_bias, cache=None):
        B, T = ids.shape
        x = F.embedding(ids, self.wte) + F.embedding(pos, self.wpe)
        hs = self.d // self.h
        for i, b in enumerate(self.blocks):
            h = F.layer_norm(x, (self.d,), b["ln1w"], b["ln1b"], 1e-5)
            q, k, v = F.linear(h, b["attw"], b["attb"]).split(self.d, dim=2)
            q, k, v = [t.view(B, T, self.h, hs).transpose(1, 2) for t in (q, k, v)]
            if cache is not None:
                if cache[i] is not None:
                    k, v = torch.cat([cache[i][0], k], 2), torch.cat([cache[i][1], v], 2)
                cache[i] = (k, v)
            att = (q @ k.transpose(-2, -1)) * (1.0 / math.sqrt(hs))
            if mask_bias is not None:
                att = att + mask_bias
            y = (att.softmax(-1) @ v).transpose(1, 2).reshape(B, T, self.d)
            x = x + F.linear(y, b["projw"], b["projb"])
            h = F.layer_norm(x, (self.d,), b["ln2w"], b["ln2b"], 1e-5)
            h = F.linear(h, b["fcw"], b["fcb"])
            h = 0.5 * h * (1 + torch.tanh(math.sqrt(2 / math.pi) * (h + 0.044715 * h * h * h)))
            x = x + F.linear(h, b["fc2w"], b["fc2b"])
        return F.layer_norm(x, (self.d,), self.lnfw, self.lnfb, 1e-5)

    def logits(self, hidden):
        return F.linear(hidden, self.wte)


def causal_bias(T):
    return torch.full((T, T), torch.finfo(torch.float32).min).triu(1)


def generate(model, prompt, new_tokens):
    """Greedy decoding with a KV cache; returns (prefill seconds, decode seconds)."""
    B, P = prompt.shape
    cache = [None] * model.layers
    t0 = time.perf_counter()
    h = model.forward(prompt, torch.arange(P).expand(B, P), causal_bias(P), cache)
    nxt = model.logits(h[:, -1]).argmax(-1, keepdim=True)
    t1 = time.perf_counter()
    for s in range(1, new_tokens):
        h = model.forward(nxt, torch.full((B, 1), P + s - 1, dtype=torch.long), None, cache)
        nxt = model.logits(h[:, -1]).argmax(-1, keepdim=True)
    return t1 - t0, time.perf_counter() - t1


def main():
    ap = argparse.ArgumentParser()
    ap.add_argument("--mode", choices=["generate"], default="generate")
    ap.add_argument("--batch-size", type=int, default=1)
    ap.add_argument("--prompt-len", type=int, default=128)
    ap.add_argument("--new-tokens", type=int, default=64)
    ap.add_argument("--threads", type=int, default=0)
    ap.add_argument("--repeats", type=int, default=3)
    ap.add_argument("--vocab", type=int, default=16384)
    ap.add_argument("--d", type=int, default=512)
    ap.add_argument("--layers", type=int, default=6)
    ap.add_argument("--heads", type=int, default=8)
    ap.add_argument("--positions", type=int, default=512)
    a = ap.parse_args()
    if a.threads > 0:
        torch.set_num_threads(a.threads)
    torch.manual_seed(0)
    model = Gpt2(a.vocab, a.positions, a.d, a.layers, a.heads, seed=0)
    prompt = torch.randint(0, a.vocab, (a.batch_size, a.prompt_len))
    runs = []
    with torch.inference_mode():
        generate(model, prompt, 4)  # warm-up
        for _ in range(a.repeats):
            runs.append(generate(model, prompt, a.new_tokens))
    best = min(runs, key=lambda r: r[0] + r[1])
    total = best[0] + best[1]
    print(json.dumps({
        "engine": "pytorch " + torch.__version__, "threads": torch.get_num_threads(),
        "batch_size": a.batch_size, "prompt_len": a.prompt_len, "new_tokens": a.new_tokens,
        "tokens_per_s": a.batch_size * a.new_tokens / total, "prefill_ms": best[0] * 1e3,
        "decode_ms_per_step": best[1] * 1e3 / max(1, a.new_tokens - 1), "total_s": total,
    }))


if __name__ == "__main__":
    main()
