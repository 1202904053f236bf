namespace AudioMix.Separation.Models;

/// <summary>How a TorchScript separator model is run.</summary>
/// <param name="ChunkSeconds">Length of the pieces the model sees (Demucs uses about 8 s); 0 runs the whole input at once.</param>
/// <param name="Overlap">Fraction of a chunk shared with the next (Demucs' default 0.25); the overlaps are cross-faded with triangular weights.</param>
/// <param name="StemNames">Names of the model's output stems in order; <see langword="null"/> reads them from the archive's extra file <c>stems.txt</c> and otherwise numbers them (stem0, stem1, …).</param>
/// <param name="SampleRate">The rate the model was trained at; <see langword="null"/> accepts any. A mismatch is an error (resample first).</param>
public sealed record TorchScriptOptions(double ChunkSeconds = 8.0, double Overlap = 0.25, IReadOnlyList<string>? StemNames = null, int? SampleRate = null)
{
    internal void Validate() => ModelChunking.Of(this).Validate();
}

/// <summary>How a chunked model separator cuts its input (<see cref="ChunkedModelSeparator"/>).</summary>
/// <param name="ChunkSeconds">Chunk length; 0 = whole input at once.</param>
/// <param name="Overlap">Fraction of a chunk shared with the next.</param>
/// <param name="SampleRate">The rate the model expects, if fixed.</param>
internal readonly record struct ModelChunking(double ChunkSeconds, double Overlap, int? SampleRate)
{
    public static ModelChunking Of(TorchScriptOptions options) => new(options.ChunkSeconds, options.Overlap, options.SampleRate);

    public static ModelChunking Of(OnnxSeparatorOptions options) => new(options.ChunkSeconds, options.Overlap, options.SampleRate);

    public void Validate()
    {
        if (!double.IsFinite(ChunkSeconds) || ChunkSeconds < 0 || ChunkSeconds > 600)
        {
            throw new ArgumentOutOfRangeException(nameof(ChunkSeconds), ChunkSeconds, "ChunkSeconds must be between 0 (whole input) and 600.");
        }

        if (!double.IsFinite(Overlap) || Overlap < 0 || Overlap >= 1)
        {
            throw new ArgumentOutOfRangeException(nameof(Overlap), Overlap, "Overlap must be at least 0 and below 1.");
        }

        if (SampleRate is <= 0)
        {
            throw new ArgumentOutOfRangeException(nameof(SampleRate), SampleRate, "SampleRate must be positive.");
        }
    }
}
