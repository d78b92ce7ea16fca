#!/usr/bin/env python3
"""Expected reward scores for the GPT2ForSequenceClassification parity test (RewardParityTest), computed
independently of trl4j: a plain-PyTorch GPT-2 forward (float64) over the golden `gpt2-text` weights, on the
token ids Hugging Face's GPT-2 tokenizer gave for the golden prompts (cases.jsonl), with the score head
w[i] = 0.05 * sin(1.7 i + 0.3) read at the last token (transformers' rule for an unpadded row).

Run from the repository root with Debian's python3-torch; it rewrites parity_expected.json beside it:
    /usr/bin/python3 trl4j-cli/src/test/resources/reward/make_parity_expected.py
"""
import json, math, os, struct, sys

import torch

HERE = os.path.dirname(os.path.abspath(__file__))
GOLDEN = os.path.join(HERE, "..", "..", "..", "..", "..", "trl4j-core", "src", "test", "resources", "golden", "models", "gpt2-text")


def read_safetensors(path):
    with open(path, "rb") as f:
        n = struct.unpack("<Q", f.read(8))[0]
        header = json.loads(f.read(n))
        data = f.read()
    out = {}
    for name, info in header.items():
        if name == "__metadata__":
            continue
        assert info["dtype"] == "F32", name
        a, b = info["data_offsets"]
        t = torch.frombuffer(bytearray(data[a:b]), dtype=torch.float32).reshape(info["shape"])
        out[name] = t.to(torch.float64)
    return out


def gelu_new(x):
    return 0.5 * x * (1.0 + torch.tanh(math.sqrt(2.0 / math.pi) * (x + 0.044715 * torch.pow(x, 3.0))))


def hidden_states(w, cfg, ids):
    d, nh = cfg["n_embd"], cfg["n_head"]
    hs = d // nh
    eps = cfg["layer_norm_epsilon"]
    t = len(ids)
    x = w["transformer.wte.weight"][ids] + w["transformer.wpe.weight"][torch.arange(t)]
    causal = torch.tril(torch.ones(t, t, dtype=torch.bool))
    for i in range(cfg["n_layer"]):
        p = "transformer.h.%d." % i
        h = torch.nn.functional.layer_norm(x, (d,), w[p + "ln_1.weight"], w[p + "ln_1.bias"], eps)
        qkv = h @ w[p + "attn.c_attn.weight"] + w[p + "attn.c_attn.bias"]  # Conv1D: (in, out)
        q, k, v = [z.view(t, nh, hs).transpose(0, 1) for z in qkv.split(d, dim=1)]
        att = (q @ k.transpose(-1, -2)) / math.sqrt(hs)
        att = att.masked_fill(~causal, float("-inf")).softmax(-1)
        y = (att @ v).transpose(0, 1).reshape(t, d)
        x = x + (y @ w[p + "attn.c_proj.weight"] + w[p + "attn.c_proj.bias"])
        h = torch.nn.functional.layer_norm(x, (d,), w[p + "ln_2.weight"], w[p + "ln_2.bias"], eps)
        h = gelu_new(h @ w[p + "mlp.c_fc.weight"] + w[p + "mlp.c_fc.bias"])
        x = x + (h @ w[p + "mlp.c_proj.weight"] + w[p + "mlp.c_proj.bias"])
    return torch.nn.functional.layer_norm(x, (d,), w["transformer.ln_f.weight"], w["transformer.ln_f.bias"], eps)


def main():
    cfg = json.load(open(os.path.join(GOLDEN, "config.json")))
    w = read_safetensors(os.path.join(GOLDEN, "model.safetensors"))
    score = [float(torch.tensor(0.05 * math.sin(1.7 * i + 0.3), dtype=torch.float32)) for i in range(cfg["n_embd"])]
    head = torch.tensor(score, dtype=torch.float64)
    cases = []
    for line in open(os.path.join(GOLDEN, "cases.jsonl")):
        c = json.loads(line)
        if "prompt" not in c or "\n" in c["prompt"] or c["prompt"].strip() == "":
            continue  # one text per line (the batched case repeats the prompts)
        h = hidden_states(w, cfg, torch.tensor(c["prompt_ids"]))
        cases.append({"text": c["prompt"], "hf_ids": c["prompt_ids"], "score": float(h[-1] @ head)})
    out = {
        "about": "see make_parity_expected.py; golden model " + os.path.relpath(GOLDEN, HERE),
        "torch": torch.__version__,
        "pad_token_id": 50256,
        "score_weight": score,
        "cases": cases,
    }
    with open(os.path.join(HERE, "parity_expected.json"), "w") as f:
        json.dump(out, f, indent=1, ensure_ascii=False)
        f.write("\n")
    print("%d cases written" % len(cases), file=sys.stderr)


if __name__ == "__main__":
    main()
