"""Writes midside_model.pt and midside_model.onnx: a tiny "separator" with known math, for AudioMix.Separation.Tests
(TorchScript for TorchScriptSeparator, ONNX for OnnxSeparator: the same module exported both ways).

Regenerate (Debian 12's python3-torch 1.13; torch.onnx needs no other package):  /usr/bin/python3 make_midside_model.py
forward(mix [1, 2, L]) -> [1, 2 stems, 2 channels, L]:
  stem "mid"  = ((L + R) / 2, (L + R) / 2)
  stem "side" = ((L - R) / 2, (R - L) / 2)
so mid + side == mix exactly. It is pointwise in time (a 1x1 convolution with fixed weights), so processing in
overlapping chunks must give the same result as processing the whole input.
"""
import os
import torch


class MidSide(torch.nn.Module):
    def __init__(self) -> None:
        super().__init__()
        self.mix = torch.nn.Conv1d(2, 4, kernel_size=1, bias=False)
        with torch.no_grad():
            self.mix.weight.copy_(torch.tensor([[[0.5], [0.5]], [[0.5], [0.5]], [[0.5], [-0.5]], [[-0.5], [0.5]]]))

    def forward(self, x: torch.Tensor) -> torch.Tensor:
        y = self.mix(x)
        return y.reshape(x.shape[0], 2, 2, x.shape[-1])


if __name__ == "__main__":
    module = torch.jit.script(MidSide().eval())
    out = os.path.join(os.path.dirname(os.path.abspath(__file__)), "midside_model.pt")
    # The stem names travel as an extra file in the archive (TorchSharp cannot return strings from methods).
    torch.jit.save(module, out, _extra_files={"stems.txt": "mid\nside\n"})
    # ONNX: input "mix" [1, 2, samples] -> "stems" [1, 2, 2, samples], the samples axis free.
    torch.onnx.export(
        MidSide().eval(), torch.zeros(1, 2, 1024), os.path.join(os.path.dirname(out), "midside_model.onnx"),
        input_names=["mix"], output_names=["stems"], dynamic_axes={"mix": {2: "samples"}, "stems": {3: "samples"}}, opset_version=13)
    print(out)
