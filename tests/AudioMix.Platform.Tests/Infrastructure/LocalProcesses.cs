using System.Globalization;
using System.Net;

namespace AudioMix.Platform.Tests.Infrastructure;

/// <summary>What /proc says about processes this test did not start itself (infra/cluster/up's services).</summary>
internal static class LocalProcesses
{
    /// <summary>Alive and not a zombie: an exited process whose parent has not reaped it yet counts as gone.</summary>
    public static bool IsAlive(int pid)
    {
        try
        {
            var stat = File.ReadAllText($"/proc/{pid}/stat");
            var state = stat[(stat.LastIndexOf(')') + 2)..].Split(' ')[0];
            return state != "Z";
        }
        catch (IOException)
        {
            return false;
        }
    }

    public static string CommandLine(int pid) =>
        File.ReadAllText($"/proc/{pid}/cmdline").Replace('\0', ' ').Trim();

    /// <summary>The TCP endpoints the process listens on, from its socket inodes and /proc/net/tcp{,6}.</summary>
    public static IReadOnlyList<IPEndPoint> ListeningEndpoints(int pid)
    {
        var inodes = new HashSet<string>(StringComparer.Ordinal);
        foreach (var fd in Directory.EnumerateFileSystemEntries($"/proc/{pid}/fd"))
        {
            var target = new FileInfo(fd).LinkTarget;
            if (target is not null && target.StartsWith("socket:[", StringComparison.Ordinal))
            {
                inodes.Add(target["socket:[".Length..^1]);
            }
        }

        var endpoints = new List<IPEndPoint>();
        foreach (var table in new[] { "/proc/net/tcp", "/proc/net/tcp6" })
        {
            foreach (var line in File.ReadLines(table).Skip(1))
            {
                var fields = line.Split(' ', StringSplitOptions.RemoveEmptyEntries);
                // fields: sl local rem st tx:rx tr:when retrnsmt uid timeout inode; st 0A is LISTEN.
                if (fields.Length > 9 && fields[3] == "0A" && inodes.Contains(fields[9]))
                {
                    endpoints.Add(Parse(fields[1]));
                }
            }
        }

        return endpoints;
    }

    // "0100007F:1F90": the address as 32-bit words in host (little-endian) order, then the port in hex.
    private static IPEndPoint Parse(string local)
    {
        var (hex, port) = (local[..local.IndexOf(':')], local[(local.IndexOf(':') + 1)..]);
        var bytes = Convert.FromHexString(hex);
        for (var word = 0; word < bytes.Length; word += 4)
        {
            Array.Reverse(bytes, word, 4);
        }

        return new IPEndPoint(new IPAddress(bytes), int.Parse(port, NumberStyles.HexNumber, CultureInfo.InvariantCulture));
    }
}
