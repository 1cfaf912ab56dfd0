using System.Globalization;

namespace EdgeMlops.Benchmarks;

/// <summary>Command line of the pipeline suite: <c>bench pipeline [--seconds N] [--memory-minutes M] [--model DIR] [--keys DIR]</c>.</summary>
internal sealed record PipelineBenchmarkOptions(double VideoSeconds, double MemoryMinutes, string ModelPath, string KeysDirectory)
{
    public const string Usage = "usage: bench pipeline [--seconds N (synthetic video length, default 60)] " +
                                "[--memory-minutes M (live run for memory, default 5; 0 skips it)] [--model DIR] [--keys DIR]";

    /// <exception cref="ArgumentException">An option is unknown, lacks its value, or is out of range.</exception>
    public static PipelineBenchmarkOptions Parse(string[] args)
    {
        var options = new PipelineBenchmarkOptions(60, 5, "models/vehicle-classifier", "models/keys");
        for (int i = 0; i < args.Length; i++)
        {
            string Value() => i + 1 < args.Length ? args[++i] : throw new ArgumentException($"{args[i]} needs a value.");
            options = args[i] switch
            {
                "--seconds" => options with { VideoSeconds = Number(args[i], Value(), min: 5) },
                "--memory-minutes" => options with { MemoryMinutes = Number(args[i], Value(), min: 0) },
                "--model" => options with { ModelPath = Value() },
                "--keys" => options with { KeysDirectory = Value() },
                _ => throw new ArgumentException($"unknown option '{args[i]}'."),
            };
        }
        return options;
    }

    private static double Number(string option, string text, double min) =>
        double.TryParse(text, NumberStyles.Float, CultureInfo.InvariantCulture, out var value) && value >= min
            ? value
            : throw new ArgumentException($"{option} must be a number of at least {min}; got '{text}'.");
}
