using System.Globalization;
using EdgeMlops.CloudHub.Api;
using EdgeMlops.CloudHub.Monitoring;
using EdgeMlops.Contracts;

namespace EdgeMlops.CloudHub.Cli.Commands;

/// <summary>
/// <c>precision --device D [--camera C] [--model M] [--version V] [--source S] [--by total|class|window] [--bucket 1h]
/// [--from T] [--to T] [--db PATH]</c>: the precision figures of one device as a table a person reads at a terminal,
/// each with its 95% interval and sample count; the same figures as <c>GET /api/precision</c>.
/// </summary>
public sealed class PrecisionCommand(TimeProvider time) : ICliCommand
{
    public string Name => "precision";
    public string Usage => "--device D [--camera C] [--model M] [--version V] [--source canary|estimated|truth|feed|review] [--by total|class|window] [--bucket 1h] [--from ISO] [--to ISO] [--db PATH]";
    public string Summary => "Show a device's precision per camera, model version and source (last 24 h by default): figure, 95% Wilson interval, samples.";

    public Task<int> RunAsync(CommandArguments arguments, TextWriter output, CancellationToken cancellationToken)
    {
        var device = arguments.Required("device");
        if (DeviceIds.FindProblem(device) is { } badDevice)
            throw new UsageException($"--device '{device}' is not a valid device id: {badDevice}");
        var to = Time(arguments, "to") ?? time.GetUtcNow();
        var from = Time(arguments, "from") ?? to - PrecisionRequest.DefaultWindow;
        if (to <= from)
            throw new UsageException($"--to ({to:O}) must be after --from ({from:O}).");
        var by = arguments.Optional("by") switch
        {
            null or "total" => PrecisionGrouping.Total,
            "class" => PrecisionGrouping.Class,
            "window" => PrecisionGrouping.Window,
            var other => throw new UsageException($"--by must be total, class or window; got '{other}'."),
        };
        var bucket = arguments.Duration("bucket", PrecisionReader.DefaultBucket);
        if (bucket < PrecisionRequest.MinBucket)
            throw new UsageException($"--bucket must be at least 1m; got {bucket}.");
        var source = arguments.Optional("source");
        if (source is not null && !PrecisionSources.All.Contains(source))
            throw new UsageException($"--source must be one of {string.Join(", ", PrecisionSources.All)}; got '{source}'.");
        var query = new PrecisionQuery(from, to, device, arguments.Optional("camera"), arguments.Optional("model"), arguments.Optional("version"),
            source, by, by == PrecisionGrouping.Window ? bucket : null);
        var db = arguments.Optional("db");
        arguments.RejectUnknown();

        using var access = HubStoreAccess.Open(db);
        var figures = new PrecisionReader(access.Database).Figures(query);
        output.WriteLine($"precision of {device} from {from:yyyy-MM-dd HH:mm} to {to:yyyy-MM-dd HH:mm} UTC");
        if (figures.Count == 0)
        {
            output.WriteLine("no precision figures in this window");
            return Task.FromResult(0);
        }
        PrecisionTable.Write(output, figures, windows: by == PrecisionGrouping.Window);
        return Task.FromResult(0);
    }

    private static DateTimeOffset? Time(CommandArguments arguments, string name) =>
        arguments.Optional(name) is not { } text ? null
        : RecordListRequest.TryParseTime(text, out var value) ? value
        : throw new UsageException($"--{name} '{text}' is not an ISO 8601 time such as 2025-06-01T12:00:00Z.");
}

/// <summary>Precision figures as aligned text columns.</summary>
internal static class PrecisionTable
{
    public static void Write(TextWriter output, IReadOnlyList<PrecisionFigure> figures, bool windows)
    {
        var inv = CultureInfo.InvariantCulture;
        var rows = figures.Select(f => new[]
        {
            f.CameraId ?? "(canary)",
            $"{f.ModelName}@{f.ModelVersion}",
            f.Source,
            f.Metric,
            windows ? $"{f.From:MM-dd HH:mm}" : "",
            f.Precision.ToString("0.000", inv),
            $"{f.Lower.ToString("0.000", inv)}-{f.Upper.ToString("0.000", inv)}",
            // Estimates hold expected counts, so samples may be fractional there.
            f.Samples == Math.Floor(f.Samples) ? f.Samples.ToString("0", inv) : f.Samples.ToString("0.0", inv),
        }).ToList();
        string[] header = ["camera", "model", "source", "figure", windows ? "window" : "", "precision", "95% interval", "samples"];
        var widths = header.Select((h, i) => rows.Select(r => r[i].Length).Append(h.Length).Max()).ToArray();
        foreach (var row in rows.Prepend(header))
            output.WriteLine(string.Join("  ", row.Select((cell, i) => widths[i] == 0 ? null : i >= 5 ? cell.PadLeft(widths[i]) : cell.PadRight(widths[i]))
                .Where(c => c is not null)).TrimEnd());
    }
}
