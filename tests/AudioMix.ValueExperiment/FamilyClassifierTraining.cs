using AudioMix.Audio.Augmentation;
using TorchSharp;

namespace AudioMix.ValueExperiment;

/// <summary>One training example: standardised log-mel features and a target distribution over the classes.</summary>
internal sealed record TrainingExample(float[] Features, float[] Targets);

/// <summary>The fixed optimisation budget every arm gets.</summary>
/// <param name="Steps">Optimisation steps (the same for every arm, whatever its pool size).</param>
/// <param name="BatchSize">Examples per step.</param>
/// <param name="LearningRate">Adam's step size, constant.</param>
internal sealed record TrainingSettings(int Steps, int BatchSize, double LearningRate);

/// <summary>
/// Trains <see cref="FamilyCnn"/> on a pool of examples with <see cref="SoftLabelLoss"/> and <see cref="AdamOptimizer"/>
/// and measures accuracy. The seed fixes the initial weights (libtorch's generator, set under a lock because it is
/// process-wide) and the order examples are drawn in (reshuffled every pass over the pool); libtorch runs on one thread,
/// so a seed replays the same run.
/// </summary>
internal static class FamilyClassifierTraining
{
    private static readonly Lock InitLock = new();

    /// <summary>A freshly initialised model for <paramref name="seed"/>.</summary>
    public static FamilyCnn NewModel(long seed, int mels)
    {
        lock (InitLock)
        {
            torch.manual_seed(seed);
            return new FamilyCnn(InstrumentFamily.All.Count, mels);
        }
    }

    /// <summary>Trains a new model for <paramref name="settings"/>.Steps steps on <paramref name="pool"/>.</summary>
    public static FamilyCnn Train(IReadOnlyList<TrainingExample> pool, int mels, int frames, TrainingSettings settings, long seed) =>
        Train(pool, mels, frames, settings, seed, out _);

    /// <summary>
    /// As <see cref="Train(IReadOnlyList{TrainingExample}, int, int, TrainingSettings, long)"/>, also telling the first step
    /// whose loss was not finite (null when none was): a diverged run is reported, not hidden behind its chance accuracy.
    /// </summary>
    public static FamilyCnn Train(IReadOnlyList<TrainingExample> pool, int mels, int frames, TrainingSettings settings, long seed, out int? firstNonFiniteStep)
    {
        firstNonFiniteStep = null;
        ArgumentNullException.ThrowIfNull(pool);
        ArgumentNullException.ThrowIfNull(settings);
        if (pool.Count < settings.BatchSize)
        {
            throw new ArgumentException($"the pool has {pool.Count} examples, fewer than a batch of {settings.BatchSize}.", nameof(pool));
        }

        var model = NewModel(seed, mels);
        model.train();
        using var optimizer = new AdamOptimizer(model.parameters(), settings.LearningRate);
        var order = DeterministicRandom.ForUnit(seed, 0, 0x0DE7);
        var permutation = Enumerable.Range(0, pool.Count).ToArray();
        var cursor = permutation.Length;
        var classes = InstrumentFamily.All.Count;
        var inputs = new float[settings.BatchSize * mels * frames];
        var targets = new float[settings.BatchSize * classes];
        for (var step = 0; step < settings.Steps; step++)
        {
            for (var b = 0; b < settings.BatchSize; b++)
            {
                if (cursor == permutation.Length)
                {
                    Shuffle(permutation, order);
                    cursor = 0;
                }

                var example = pool[permutation[cursor++]];
                example.Features.CopyTo(inputs, b * mels * frames);
                example.Targets.CopyTo(targets, b * classes);
            }

            using var scope = torch.NewDisposeScope();
            var x = Copy(inputs, [settings.BatchSize, mels, frames]);
            var t = Copy(targets, [settings.BatchSize, classes]);
            optimizer.ZeroGrad();
            var loss = SoftLabelLoss.Compute(model.forward(x), t);
            if (firstNonFiniteStep is null && !float.IsFinite(loss.item<float>()))
            {
                firstNonFiniteStep = step;
            }

            loss.backward();
            optimizer.Step();
        }

        return model;
    }

    /// <summary>Fraction of <paramref name="features"/> whose arg-max logit is the label.</summary>
    public static double Accuracy(FamilyCnn model, IReadOnlyList<float[]> features, IReadOnlyList<int> labels, int mels, int frames)
    {
        ArgumentNullException.ThrowIfNull(model);
        ArgumentNullException.ThrowIfNull(features);
        ArgumentNullException.ThrowIfNull(labels);
        model.eval();
        using var noGrad = torch.no_grad();
        const int chunk = 64;
        var correct = 0;
        for (var start = 0; start < features.Count; start += chunk)
        {
            var n = Math.Min(chunk, features.Count - start);
            var inputs = new float[n * mels * frames];
            for (var i = 0; i < n; i++)
            {
                features[start + i].CopyTo(inputs, i * mels * frames);
            }

            using var scope = torch.NewDisposeScope();
            var predicted = model.forward(Copy(inputs, [n, mels, frames])).argmax(1).data<long>().ToArray();
            for (var i = 0; i < n; i++)
            {
                correct += predicted[i] == labels[start + i] ? 1 : 0;
            }
        }

        return (double)correct / features.Count;
    }

    /// <summary>
    /// A tensor holding a copy of <paramref name="values"/> (as the project's TensorInterop does): <c>torch.tensor(array)</c>
    /// shares the managed array with libtorch, and this loop refills one array every step. Copying did not cure the
    /// nondeterministic divergence the quick runs showed (README, "Does it help?"): that cause is still open.
    /// </summary>
    private static torch.Tensor Copy(float[] values, long[] shape)
    {
        var tensor = torch.empty(shape, torch.ScalarType.Float32);
        using (var accessor = tensor.data<float>())
        {
            accessor.CopyFrom(values, 0, 0);
        }

        return tensor;
    }

    /// <summary>Fisher–Yates with the experiment's own generator.</summary>
    private static void Shuffle(int[] values, DeterministicRandom random)
    {
        for (var i = values.Length - 1; i > 0; i--)
        {
            var j = random.NextInt(i + 1);
            (values[i], values[j]) = (values[j], values[i]);
        }
    }
}
