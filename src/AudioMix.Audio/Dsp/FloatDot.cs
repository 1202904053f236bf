using System.Numerics;
using System.Runtime.CompilerServices;
using System.Runtime.InteropServices;

namespace AudioMix.Audio.Dsp;

/// <summary>
/// A SIMD float dot product whose summation order depends only on the length, never on the
/// memory alignment of the operands. The resampler relies on that: streaming and one-shot runs
/// read the same samples from different array offsets and must produce bit-identical output
/// (TensorPrimitives.Dot may peel to an aligned address, which changes the rounding).
/// </summary>
internal static class FloatDot
{
    public static float Dot(ReadOnlySpan<float> a, ReadOnlySpan<float> b)
    {
        var n = a.Length;
        ref var ra = ref MemoryMarshal.GetReference(a);
        ref var rb = ref MemoryMarshal.GetReference(b);
        var i = 0;
        var sum = 0f;
        if (Vector.IsHardwareAccelerated && n >= Vector<float>.Count)
        {
            var w = Vector<float>.Count;
            Vector<float> acc0 = default, acc1 = default, acc2 = default, acc3 = default;
            for (; i <= n - (4 * w); i += 4 * w)
            {
                acc0 = Vector.FusedMultiplyAdd(Load(ref ra, i), Load(ref rb, i), acc0);
                acc1 = Vector.FusedMultiplyAdd(Load(ref ra, i + w), Load(ref rb, i + w), acc1);
                acc2 = Vector.FusedMultiplyAdd(Load(ref ra, i + (2 * w)), Load(ref rb, i + (2 * w)), acc2);
                acc3 = Vector.FusedMultiplyAdd(Load(ref ra, i + (3 * w)), Load(ref rb, i + (3 * w)), acc3);
            }

            for (; i <= n - w; i += w)
            {
                acc0 = Vector.FusedMultiplyAdd(Load(ref ra, i), Load(ref rb, i), acc0);
            }

            sum = Vector.Sum((acc0 + acc1) + (acc2 + acc3));
        }

        for (; i < n; i++)
        {
            sum += Unsafe.Add(ref ra, i) * Unsafe.Add(ref rb, i);
        }

        return sum;
    }

    [MethodImpl(MethodImplOptions.AggressiveInlining)]
    private static Vector<float> Load(ref float start, int offset) =>
        Vector.LoadUnsafe(ref start, (nuint)offset);
}
