namespace AudioMix.Captions.Text;

/// <summary>
/// Words that name a sound source or sound event (AudioSet ontology style: animals, people, vehicles,
/// weather, water, tools, music, domestic sounds). A merged caption that contains one of these while
/// neither source caption does has invented a sound, which the merge contract forbids.
/// </summary>
public static class SoundLexicon
{
    private static readonly string[] Words =
    [
        // Animals.
        "dog", "puppy", "cat", "kitten", "bird", "pigeon", "crow", "rooster", "chicken", "hen", "duck", "goose", "owl",
        "seagull", "gull", "horse", "cow", "sheep", "goat", "pig", "frog", "cricket", "insect", "bee", "fly", "mosquito",
        "cicada", "lion", "wolf", "monkey", "elephant", "bark", "meow", "purr", "chirp", "tweet", "crow", "quack",
        "moo", "neigh", "howl", "growl", "buzz", "croak", "hiss", "roar", "bleat", "cluck", "coo", "squawk", "whine",
        // People.
        "man", "woman", "men", "women", "child", "children", "kid", "baby", "girl", "boy", "people", "person", "crowd",
        "audience", "speech", "voice", "talk", "speak", "shout", "scream", "yell", "laugh", "giggle", "cry", "sob",
        "cough", "sneeze", "sniff", "snore", "breath", "breathe", "whistle", "whisper", "sing", "song", "clap", "applause",
        "cheer", "footstep", "walk", "run", "chew", "burp", "hiccup", "gasp",
        // Vehicles and machines.
        "car", "truck", "bus", "train", "motorcycle", "motorbike", "engine", "vehicle", "airplane", "plane", "aircraft",
        "jet", "helicopter", "boat", "ship", "siren", "horn", "honk", "traffic", "tire", "brake", "bicycle", "bike",
        "tram", "subway", "motor", "drill", "saw", "hammer", "machine", "generator", "fan", "vacuum", "blender",
        "mower", "lawnmower", "compressor", "printer", "typewriter", "keyboard", "alarm", "bell", "clock", "tick",
        "phone", "telephone", "ring", "radio", "television", "tv", "beep", "buzzer", "chainsaw", "jackhammer",
        // Weather and nature.
        "rain", "thunder", "wind", "storm", "hail", "wave", "ocean", "sea", "surf", "stream", "river", "waterfall",
        "water", "fire", "crackle", "leaves", "leaf", "rustle", "splash", "drip", "trickle", "pour", "bubble", "gurgle",
        // Domestic.
        "door", "knock", "slam", "creak", "squeak", "glass", "dish", "plate", "cutlery", "spoon", "fork", "pot", "pan",
        "kettle", "faucet", "tap", "sink", "toilet", "flush", "shower", "zipper", "paper", "crumple", "tear", "key",
        "keys", "jingle", "coin", "bag", "plastic", "footsteps", "gravel", "sizzle", "fry", "microwave", "dishwasher",
        // Music.
        "music", "guitar", "piano", "drum", "drums", "violin", "trumpet", "saxophone", "flute", "organ", "choir",
        "orchestra", "band", "melody", "beat", "gong", "chime", "chimes", "harmonica", "accordion", "synthesizer",
        // Events.
        "explosion", "gunshot", "gun", "firework", "fireworks", "bang", "crash", "thud", "thump", "click", "tap",
        "scrape", "scratch", "rattle", "clank", "clang", "clatter", "rumble", "whoosh", "swoosh", "hum", "static",
    ];

    private static readonly HashSet<string> Stems = Words.Select(CaptionText.Stem).ToHashSet(StringComparer.Ordinal);

    /// <summary>True when the token (any inflection) names a sound source or event.</summary>
    public static bool IsSoundWord(string token) => Stems.Contains(CaptionText.Stem(token));

    /// <summary>
    /// Sound words of <paramref name="candidate"/> that neither <paramref name="first"/> nor <paramref name="second"/> mentions.
    /// </summary>
    public static IReadOnlyList<string> InventedSounds(string candidate, string first, string second)
    {
        var known = CaptionText.ContentStems(first);
        known.UnionWith(CaptionText.ContentStems(second));
        return CaptionText.ContentWords(candidate)
            .Where(w => IsSoundWord(w) && !CaptionText.StemIn(CaptionText.Stem(w), known))
            .Distinct(StringComparer.Ordinal)
            .ToArray();
    }
}
