using TorchSharp;

namespace AudioMix.Audio.Torch;

/// <summary>
/// Tensor arithmetic whose scalar arguments stay alive until the native call returns.
/// </summary>
/// <remarks>
/// TorchSharp turns every plain number given to a tensor op (<c>x * 0.5</c>, <c>x + 1e-12</c>, <c>pow(2)</c>) into a
/// finalizable <c>Scalar</c>, and even <c>a + b</c> of two tensors passes an implicit <c>alpha = 1</c> Scalar. It
/// reads the native handle and drops the object before the P/Invoke, so a garbage collection during the native call can
/// run the finalizer and free the scalar under libtorch: a one-hour streamed HPSS crashed once with "Unknown scalar
/// type" in at::native::add(Tensor, Scalar, Scalar), and the MAPSS tests failed about one run in ten inside clamp/mul.
/// Every method here creates its scalars itself and disposes them after the call, which keeps them reachable across it.
/// Use these (not the operators) for tensor/number arithmetic and for tensor additions on hot paths. (Tensor
/// subtraction, multiplication and division of two tensors take no scalar.)
/// </remarks>
public static class KeptScalars
{
    /// <summary><paramref name="a"/> + <paramref name="b"/> (tensors; TorchSharp's addition passes alpha = 1).</summary>
    public static torch.Tensor Plus(this torch.Tensor a, torch.Tensor b) => With(1L, one => a.add(b, one));

    /// <summary><paramref name="a"/> − <paramref name="b"/> (tensors; no scalar involved, here for symmetry).</summary>
    public static torch.Tensor Minus(this torch.Tensor a, torch.Tensor b) => Checked(a).sub(b);

    /// <summary><paramref name="a"/> + <paramref name="value"/>.</summary>
    public static torch.Tensor Plus(this torch.Tensor a, double value) => With(value, s => With(1L, one => a.add(s, one)));

    /// <summary><paramref name="a"/> + <paramref name="value"/>, keeping an integer tensor integer.</summary>
    public static torch.Tensor Plus(this torch.Tensor a, long value) => With(value, s => With(1L, one => a.add(s, one)));

    /// <summary><paramref name="value"/> − <paramref name="a"/>.</summary>
    public static torch.Tensor SubtractedFrom(this torch.Tensor a, double value)
    {
        using var negated = Checked(a).neg();
        return negated.Plus(value);
    }

    /// <summary><paramref name="a"/> × <paramref name="value"/>.</summary>
    public static torch.Tensor Times(this torch.Tensor a, double value) => With(value, s => Checked(a).mul(s));

    /// <summary><paramref name="a"/> ÷ <paramref name="value"/>.</summary>
    public static torch.Tensor DividedBy(this torch.Tensor a, double value) => With(value, s => Checked(a).div(s));

    /// <summary><paramref name="a"/>² as <c>a · a</c> (TorchSharp's <c>square()</c> is <c>pow(2)</c> with a dropped scalar; libtorch computes pow(·, 2) as this product).</summary>
    public static torch.Tensor Squared(this torch.Tensor a) => Checked(a).mul(a);

    /// <summary><paramref name="a"/> raised to <paramref name="exponent"/>.</summary>
    public static torch.Tensor Power(this torch.Tensor a, double exponent) => With(exponent, s => Checked(a).pow(s));

    /// <summary>Elementwise <paramref name="a"/> &lt; <paramref name="value"/>.</summary>
    public static torch.Tensor LessThan(this torch.Tensor a, double value) => With(value, s => Checked(a).lt(s));

    /// <summary>Elementwise <paramref name="a"/> &gt; <paramref name="value"/>.</summary>
    public static torch.Tensor GreaterThan(this torch.Tensor a, double value) => With(value, s => Checked(a).gt(s));

    /// <summary>Elementwise <paramref name="a"/> ≥ <paramref name="value"/>.</summary>
    public static torch.Tensor AtLeastValue(this torch.Tensor a, double value) => With(value, s => Checked(a).ge(s));

    /// <summary>Elementwise <paramref name="a"/> ≤ <paramref name="value"/>.</summary>
    public static torch.Tensor AtMostValue(this torch.Tensor a, double value) => With(value, s => Checked(a).le(s));

    /// <summary><paramref name="a"/> clamped below at <paramref name="min"/>.</summary>
    public static torch.Tensor AtLeast(this torch.Tensor a, double min) => With(min, s => Checked(a).clamp_min(s));

    /// <summary><paramref name="a"/> clamped below at <paramref name="min"/>, keeping an integer tensor integer.</summary>
    public static torch.Tensor AtLeast(this torch.Tensor a, long min) => With(min, s => Checked(a).clamp_min(s));

    /// <summary><paramref name="a"/> clamped above at <paramref name="max"/>.</summary>
    public static torch.Tensor AtMost(this torch.Tensor a, double max) => With(max, s => Checked(a).clamp_max(s));

    /// <summary><paramref name="a"/> clamped above at <paramref name="max"/>, keeping an integer tensor integer.</summary>
    public static torch.Tensor AtMost(this torch.Tensor a, long max) => With(max, s => Checked(a).clamp_max(s));

    /// <summary><paramref name="a"/> clamped to [<paramref name="min"/>, <paramref name="max"/>].</summary>
    public static torch.Tensor Between(this torch.Tensor a, double min, double max) => With(min, lo => With(max, hi => Checked(a).clamp(lo, hi)));

    /// <summary><paramref name="a"/> with <paramref name="value"/> where <paramref name="mask"/> holds.</summary>
    public static torch.Tensor MaskedWith(this torch.Tensor a, torch.Tensor mask, double value) => With(value, s => Checked(a).masked_fill(mask, s));

    /// <summary>Fills <paramref name="a"/> in place with <paramref name="value"/>.</summary>
    public static torch.Tensor FillWith(this torch.Tensor a, double value) => With(value, s => Checked(a).fill_(s));

    /// <summary><paramref name="a"/> where <paramref name="condition"/> holds, else <paramref name="otherwise"/>.</summary>
    public static torch.Tensor WhereElse(this torch.Tensor a, torch.Tensor condition, double otherwise)
    {
        // where() takes a tensor for the other branch: a 0-d one, kept by this method until the call returns.
        using var other = torch.tensor(otherwise, dtype: Checked(a).dtype, device: a.device);
        return a.where(condition, other);
    }

    /// <summary>0, 1, …, <paramref name="count"/> − 1 (int64 unless <paramref name="dtype"/> says otherwise; TorchSharp's <c>arange(stop)</c> makes its start and step itself).</summary>
    public static torch.Tensor Range(long count, torch.Device? device = null, torch.ScalarType dtype = torch.ScalarType.Int64) =>
        With(0L, start => With(count, stop => With(1L, step => torch.arange(start, stop, step, dtype, device))));

    // The scalar is disposed after the op returns, so it is reachable (not finalizable) during the native call.
    private static torch.Tensor With(double value, Func<Scalar, torch.Tensor> op)
    {
        using var scalar = value.ToScalar();
        return op(scalar);
    }

    private static torch.Tensor With(long value, Func<Scalar, torch.Tensor> op)
    {
        using var scalar = value.ToScalar();
        return op(scalar);
    }

    private static torch.Tensor Checked(torch.Tensor a)
    {
        ArgumentNullException.ThrowIfNull(a);
        return a;
    }
}
