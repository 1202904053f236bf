namespace AudioMix.ValueExperiment;

/// <summary>
/// One General MIDI instrument family the classifier tells apart: its label, the GM programs (0-based) a phrase of the
/// family may use, and the pitch range its phrases stay in (MIDI note numbers, a register the family plays in).
/// </summary>
/// <param name="Label">The class label written to dataset items and manifests.</param>
/// <param name="Programs">GM program numbers (0-based) of the family that play sustained pitched phrases.</param>
/// <param name="LowestNote">Lowest MIDI note a phrase uses.</param>
/// <param name="HighestNote">Highest MIDI note a phrase uses.</param>
internal sealed record InstrumentFamily(string Label, IReadOnlyList<int> Programs, int LowestNote, int HighestNote)
{
    /// <summary>
    /// The eight families of the task, in class-index order. Program blocks follow the GM 1 sound set (eight programs per
    /// family); strings leave out pizzicato, harp and timpani (45–47), which are not bowed-string timbres.
    /// </summary>
    public static IReadOnlyList<InstrumentFamily> All { get; } =
    [
        new("piano", [0, 1, 2, 3, 4, 5, 6, 7], 48, 84),
        new("organ", [16, 17, 18, 19, 20, 21, 22, 23], 48, 79),
        new("guitar", [24, 25, 26, 27, 28, 29, 30, 31], 40, 76),
        new("bass", [32, 33, 34, 35, 36, 37, 38, 39], 28, 52),
        new("strings", [40, 41, 42, 43, 44], 43, 81),
        new("brass", [56, 57, 58, 59, 60, 61, 62, 63], 46, 77),
        new("reed", [64, 65, 66, 67, 68, 69, 70, 71], 50, 81),
        new("pipe", [72, 73, 74, 75, 76, 77, 78, 79], 60, 91),
    ];

    /// <summary>The class labels in class-index order.</summary>
    public static IReadOnlyList<string> Labels { get; } = All.Select(f => f.Label).ToArray();

    /// <summary>The class index of <paramref name="label"/>.</summary>
    /// <exception cref="ArgumentException">The label is not one of the task's families.</exception>
    public static int IndexOf(string label)
    {
        for (var i = 0; i < All.Count; i++)
        {
            if (All[i].Label == label)
            {
                return i;
            }
        }

        throw new ArgumentException($"'{label}' is not an instrument family of the task ({string.Join(", ", Labels)}).", nameof(label));
    }

    /// <summary>The family GM program <paramref name="program"/> belongs to, or null when the task has none for it.</summary>
    public static InstrumentFamily? OfProgram(int program) => All.FirstOrDefault(f => f.Programs.Contains(program));
}
