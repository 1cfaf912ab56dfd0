using EdgeMlops.Contracts.Text;

namespace EdgeMlops.EdgeAgent;

/// <summary>
/// Short options for people (<c>--duration 30s</c>, <c>--camera URI</c>, <c>--db PATH</c>, <c>--model PATH</c>,
/// <c>--device-id ID</c>, <c>--broker URI</c>) rewritten into configuration keys; every other <c>--Section:Key=value</c> passes through.
/// </summary>
public static class CommandLineAliases
{
    /// <summary>The short options, offered as suggestions when a flag is misspelt.</summary>
    public static IReadOnlyList<string> Options { get; } = ["--duration", "--camera", "--db", "--model", "--device-id", "--broker"];

    public static string[] Rewrite(string[] args)
    {
        var result = new List<string>();
        int cameras = 0;
        for (int i = 0; i < args.Length; i++)
        {
            string Value() => i + 1 < args.Length ? args[++i] : throw new ArgumentException($"Option {args[i]} needs a value.");
            switch (args[i])
            {
                case "--duration":
                    TimeSpan duration;
                    try { duration = DurationText.ParsePositive(Value(), "--duration"); }
                    catch (FormatException ex) { throw new ArgumentException(ex.Message, ex); }
                    result.Add($"--Agent:Duration={duration:c}");
                    break;
                case "--camera":
                    result.Add($"--Cameras:{cameras}:Id=cam{cameras + 1}");
                    result.Add($"--Cameras:{cameras}:Source={Value()}");
                    cameras++;
                    break;
                case "--db": result.Add($"--Store:Path={Value()}"); break;
                case "--model": result.Add($"--Model:PackagePath={Value()}"); break;
                case "--device-id": result.Add($"--Agent:DeviceId={Value()}"); break;
                case "--broker": result.Add($"--Sync:Broker={Value()}"); break;
                default:
                    // Every other word must be a configuration key: the key check then names a typo.
                    if (!args[i].StartsWith("--", StringComparison.Ordinal) || args[i].Length == 2)
                        throw new ArgumentException($"unexpected argument '{args[i]}'; options are --KEY VALUE or --Section:Key=VALUE");
                    if (!args[i].Contains('=') && i + 1 >= args.Length)
                        throw new ArgumentException($"option {args[i]} needs a value");
                    result.Add(args[i]);
                    if (!args[i].Contains('=')) result.Add(args[++i]);
                    break;
            }
        }
        return [.. result];
    }
}
