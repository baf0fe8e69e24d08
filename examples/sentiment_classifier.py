"""A bidirectional GRU sentiment classifier, as tutorials often write it (with two bugs)."""

import torch
import torch.nn as nn


class SentimentClassifier(nn.Module):
    def __init__(self, vocab_size: int, embedding_dim: int, hidden_dim: int, n_classes: int):
        super().__init__()
        self.embedding = nn.Embedding(vocab_size, embedding_dim, padding_idx=0)
        self.rnn = nn.GRU(
            embedding_dim, hidden_dim, num_layers=2, batch_first=True, bidirectional=True, dropout=0.3
        )
        self.dropout = nn.Dropout(0.3)
        self.fc = nn.Linear(hidden_dim, n_classes)

    def forward(self, tokens: torch.Tensor) -> torch.Tensor:
        embedded = self.dropout(self.embedding(tokens))
        _, hidden = self.rnn(embedded)
        # Bug: hidden[-1] is only the last layer's *backward* direction.
        return self.fc(self.dropout(hidden[-1]))


class SentimentFromOutputs(nn.Module):
    def __init__(self, vocab_size: int, embedding_dim: int, hidden_dim: int, n_classes: int):
        super().__init__()
        self.embedding = nn.Embedding(vocab_size, embedding_dim)
        self.rnn = nn.GRU(embedding_dim, hidden_dim, batch_first=True, bidirectional=True)
        self.fc = nn.Linear(2 * hidden_dim, n_classes)

    def forward(self, tokens: torch.Tensor) -> torch.Tensor:
        outputs, _ = self.rnn(self.embedding(tokens))
        # Bug: the backward half of the last step has read one token.
        return self.fc(outputs[:, -1, :])
