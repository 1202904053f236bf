"""Writes tiny_encoder.pt: a TorchScript stand-in for a wav2vec2-style encoder, used by TorchScriptEncoderTests.

Regenerate (torch 1.13 on the host):  /usr/bin/python3 make_tiny_encoder.py
Contract (the one MAPSS expects): forward(waveforms: [B, n] float32, layer: int) -> [B, T, 4], where
  h0 = conv1d(x, kernel 400, stride 320) frames  (T = floor((n - 400) / 320) + 1, wav2vec2's frame count)
  h_i = tanh(h_{i-1} @ W_i^T + b_i) for i = 1..layer  (no block beyond `layer` runs)
with weights given by closed formulas so the C# test can recompute every value:
  conv w[c, k] = cos(2*pi*(c+1)*k/400) / 400,  conv bias = 0.01*(c+1)
  W_i[a, b] = 0.1*i*(((a + 2*b) % 5) - 2),       b_i[a] = 0.05*i*(a - 1.5)
"""
import math
import torch


class TinyEncoder(torch.nn.Module):
    def __init__(self) -> None:
        super().__init__()
        k = torch.arange(400, dtype=torch.float32)
        conv = torch.stack([torch.cos(2 * math.pi * (c + 1) * k / 400) / 400 for c in range(4)]).unsqueeze(1)
        self.register_buffer("conv_weight", conv)
        self.register_buffer("conv_bias", 0.01 * torch.arange(1, 5, dtype=torch.float32))
        weights = torch.zeros(3, 4, 4)
        biases = torch.zeros(3, 4)
        for i in range(1, 4):
            for a in range(4):
                biases[i - 1, a] = 0.05 * i * (a - 1.5)
                for b in range(4):
                    weights[i - 1, a, b] = 0.1 * i * (((a + 2 * b) % 5) - 2)
        self.register_buffer("weights", weights)
        self.register_buffer("biases", biases)

    def forward(self, waveforms: torch.Tensor, layer: int) -> torch.Tensor:
        if layer < 0 or layer > 3:
            raise ValueError("layer must be 0..3")
        h = torch.nn.functional.conv1d(waveforms.unsqueeze(1), self.conv_weight, self.conv_bias, stride=320)
        h = h.transpose(1, 2)
        for i in range(layer):
            h = torch.tanh(torch.matmul(h, self.weights[i].t()) + self.biases[i])
        return h


if __name__ == "__main__":
    module = torch.jit.script(TinyEncoder().eval())
    module.save("tiny_encoder.pt")
    print(module(torch.ones(1, 1000), 2).shape)
