using AudioMix.Captions.Text;

namespace AudioMix.Captions.Pairing;

/// <summary>How two captions' similarity is measured when skipping near-duplicate pairs.</summary>
public enum SimilarityMeasure
{
    /// <summary>Cosine of TF-IDF vectors over content-word stems, IDF from the dataset's captions.</summary>
    TfIdfCosine,

    /// <summary>Jaccard overlap of the content-word stem sets.</summary>
    TokenJaccard,
}

/// <summary>
/// Caption similarity over one dataset. Near-duplicate pairs ("rain" + "heavy rain") make the mixed
/// target ambiguous (AudioSep issue #9); the research note proposes skipping pairs above τ ≈ 0.8.
/// </summary>
public sealed class CaptionSimilarity
{
    private readonly SimilarityMeasure _measure;
    private readonly Dictionary<string, double>[] _vectors;
    private readonly HashSet<string>[] _sets;

    /// <summary>Indexes the captions (IDF is computed over exactly these).</summary>
    public CaptionSimilarity(IReadOnlyList<string> captions, SimilarityMeasure measure = SimilarityMeasure.TfIdfCosine)
    {
        ArgumentNullException.ThrowIfNull(captions);
        _measure = measure;
        var stems = captions.Select(c => CaptionText.ContentWords(c).Select(CaptionText.Stem).ToArray()).ToArray();
        _sets = stems.Select(s => s.ToHashSet(StringComparer.Ordinal)).ToArray();
        var documentFrequency = new Dictionary<string, int>(StringComparer.Ordinal);
        foreach (var set in _sets)
        {
            foreach (var s in set)
            {
                documentFrequency[s] = documentFrequency.GetValueOrDefault(s) + 1;
            }
        }

        // Smoothed IDF (as scikit-learn's default): ln((1 + n) / (1 + df)) + 1, then L2-normalised vectors.
        var n = captions.Count;
        _vectors = new Dictionary<string, double>[n];
        for (var i = 0; i < n; i++)
        {
            var v = new Dictionary<string, double>(StringComparer.Ordinal);
            foreach (var s in stems[i])
            {
                v[s] = v.GetValueOrDefault(s) + 1;
            }

            foreach (var key in v.Keys.ToArray())
            {
                v[key] *= Math.Log((1.0 + n) / (1.0 + documentFrequency[key])) + 1.0;
            }

            var norm = Math.Sqrt(v.Values.Sum(x => x * x));
            if (norm > 0)
            {
                foreach (var key in v.Keys.ToArray())
                {
                    v[key] /= norm;
                }
            }

            _vectors[i] = v;
        }
    }

    /// <summary>The number of indexed captions.</summary>
    public int Count => _vectors.Length;

    /// <summary>Similarity in [0, 1] of captions <paramref name="i"/> and <paramref name="j"/>.</summary>
    public double Between(int i, int j)
    {
        if (_measure == SimilarityMeasure.TokenJaccard)
        {
            var a = _sets[i];
            var b = _sets[j];
            if (a.Count == 0 && b.Count == 0)
            {
                return 1;
            }

            var common = a.Count(b.Contains);
            return (double)common / (a.Count + b.Count - common);
        }

        var (small, large) = _vectors[i].Count <= _vectors[j].Count ? (_vectors[i], _vectors[j]) : (_vectors[j], _vectors[i]);
        if (small.Count == 0)
        {
            // Captions with no content words cannot be told apart from each other.
            return large.Count == 0 ? 1 : 0;
        }

        var dot = 0.0;
        foreach (var (key, value) in small)
        {
            if (large.TryGetValue(key, out var other))
            {
                dot += value * other;
            }
        }

        return Math.Clamp(dot, 0, 1);
    }
}
