"""An encoder-decoder whose encoder state is handed on wrongly (three bugs)."""

import torch
import torch.nn as nn


class Seq2Seq(nn.Module):
    def __init__(self, vocab: int, emb: int, hidden: int, layers: int = 2):
        super().__init__()
        self.layers = layers
        self.embedding = nn.Embedding(vocab, emb)
        self.encoder = nn.LSTM(emb, hidden, num_layers=layers, bidirectional=True)
        self.decoder = nn.LSTM(emb, hidden, num_layers=layers)
        self.bridge = nn.LSTM(hidden, hidden)
        self.out = nn.Linear(hidden, vocab)

    def forward(self, src: torch.Tensor, tgt: torch.Tensor) -> torch.Tensor:
        enc_out, (h, c) = self.encoder(self.embedding(src))
        # Bug: rows alternate directions, so h[:layers] is not "the first layers".
        state = (h[: self.layers], c[: self.layers])
        # Bug: the encoder's output is 2 * hidden wide.
        bridged, _ = self.bridge(enc_out)
        dec_out, _ = self.decoder(self.embedding(tgt), state)
        summary = h.view(src.size(1), -1)  # Bug: mixes samples; permute(1, 0, 2) first.
        return self.out(dec_out) + summary.sum() + bridged.sum()
