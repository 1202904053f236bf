namespace AudioMix.ValueExperiment;

/// <summary>
/// Writes phrases as a format-0 Standard MIDI File (MIDI 1.0 SMF spec): one phrase per slot of
/// <paramref name="SlotSeconds"/>, each slot opening with "all sound off" (CC 120) and a program change on channel 1, so
/// one fluidsynth run renders a whole set and the clips are cut out by slot.
/// </summary>
/// <param name="SlotSeconds">Seconds from one phrase's start to the next (the clip plus room for the release).</param>
internal sealed record StandardMidiFile(double SlotSeconds)
{
    /// <summary>Ticks per quarter note; at the file's fixed 120 BPM that is 960 ticks a second.</summary>
    private const int TicksPerQuarter = 480;
    private const double TicksPerSecond = TicksPerQuarter * 2.0;

    /// <summary>The file's bytes.</summary>
    public byte[] Write(IReadOnlyList<Phrase> phrases)
    {
        ArgumentNullException.ThrowIfNull(phrases);
        var events = new List<(long Tick, int Order, byte[] Bytes)>();
        for (var i = 0; i < phrases.Count; i++)
        {
            var phrase = phrases[i];
            var slot = (long)Math.Round(i * SlotSeconds * TicksPerSecond);
            events.Add((slot, 0, [0xB0, 120, 0]));
            events.Add((slot, 1, [0xC0, (byte)phrase.Program]));
            foreach (var note in phrase.Notes)
            {
                var on = slot + (long)Math.Round(note.Start * TicksPerSecond);
                var off = slot + (long)Math.Round((note.Start + note.Duration) * TicksPerSecond);
                // Offs sort before ons at the same tick, so a repeated pitch is re-struck rather than cut.
                events.Add((off, 2, [0x80, (byte)note.Pitch, 0]));
                events.Add((on, 3, [0x90, (byte)note.Pitch, (byte)note.Velocity]));
            }
        }

        var end = (long)Math.Round(phrases.Count * SlotSeconds * TicksPerSecond);
        var track = new List<byte>();
        // Tempo 500,000 µs per quarter (120 BPM), so ticks map to seconds at a fixed rate.
        track.AddRange([0x00, 0xFF, 0x51, 0x03, 0x07, 0xA1, 0x20]);
        var last = 0L;
        foreach (var e in events.OrderBy(e => e.Tick).ThenBy(e => e.Order))
        {
            WriteVariableLength(track, e.Tick - last);
            track.AddRange(e.Bytes);
            last = e.Tick;
        }

        WriteVariableLength(track, end - last);
        track.AddRange([0xFF, 0x2F, 0x00]);

        var file = new List<byte>();
        file.AddRange("MThd"u8.ToArray());
        file.AddRange([0, 0, 0, 6, 0, 0, 0, 1, (byte)(TicksPerQuarter >> 8), TicksPerQuarter & 0xFF]);
        file.AddRange("MTrk"u8.ToArray());
        var length = track.Count;
        file.AddRange([(byte)(length >> 24), (byte)(length >> 16), (byte)(length >> 8), (byte)length]);
        file.AddRange(track);
        return file.ToArray();
    }

    /// <summary>A delta time as a MIDI variable-length quantity (7 bits a byte, high bit set on all but the last).</summary>
    internal static void WriteVariableLength(List<byte> destination, long value)
    {
        ArgumentOutOfRangeException.ThrowIfNegative(value);
        Span<byte> buffer = stackalloc byte[10];
        var n = 0;
        buffer[n++] = (byte)(value & 0x7F);
        while ((value >>= 7) > 0)
        {
            buffer[n++] = (byte)((value & 0x7F) | 0x80);
        }

        for (var i = n - 1; i >= 0; i--)
        {
            destination.Add(buffer[i]);
        }
    }
}
