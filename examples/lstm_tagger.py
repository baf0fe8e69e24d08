"""An LSTM language model and a sequence encoder, ported from a GRU version (with three bugs)."""

import torch
from torch import nn
from torch.nn.utils.rnn import pack_padded_sequence, pad_packed_sequence


class LanguageModel(nn.Module):
    def __init__(self, vocab_size: int, hidden_size: int = 256):
        super().__init__()
        self.embed = nn.Embedding(vocab_size, hidden_size)
        self.lstm = nn.LSTM(hidden_size, hidden_size, num_layers=2, batch_first=True)
        self.decoder = nn.Linear(hidden_size, vocab_size)

    def forward(self, tokens: torch.Tensor) -> torch.Tensor:
        output, hidden = self.lstm(self.embed(tokens))
        # Bug: for an LSTM, hidden is (h_n, c_n): hidden[-1] is the cell state.
        return self.decoder(hidden[-1])

    def last_step(self, tokens: torch.Tensor) -> torch.Tensor:
        output, _ = self.lstm(self.embed(tokens))
        # Bug: batch_first=True, so output[-1] is the last *sample*, every step.
        return self.decoder(output[-1])


class PackedEncoder(nn.Module):
    def __init__(self, input_size: int, hidden_size: int):
        super().__init__()
        self.lstm = nn.LSTM(input_size, hidden_size, batch_first=True)

    def forward(self, x: torch.Tensor, lengths: torch.Tensor) -> torch.Tensor:
        packed = pack_padded_sequence(x, lengths.cpu(), batch_first=True, enforce_sorted=False)
        packed_out, (h_n, c_n) = self.lstm(packed)
        out, _ = pad_packed_sequence(packed_out, batch_first=True)
        # Bug: for shorter sequences the last padded position is zeros. h_n[-1] is right.
        return out[:, -1, :]
