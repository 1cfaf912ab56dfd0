using EdgeMlops.Synthetic.Conditions;
using EdgeMlops.Synthetic.Crops;
using EdgeMlops.Synthetic.Datasets;
using EdgeMlops.Synthetic.Scenes;
using EdgeMlops.Synthetic.Vehicles;
using EdgeMlops.Synthetic.Video;

namespace EdgeMlops.CloudHub.Cli.Commands;

/// <summary><c>synthetic video</c>: renders a highway scene to a video file plus its ground-truth sidecar.</summary>
public sealed class SyntheticVideoCommand : ICliCommand
{
    public string Name => "synthetic video";
    public string Usage => "--out FILE.mp4 [--seed N] [--condition C|SCHEDULE] [--duration 30s] [--fps 25] [--width 640] [--height 360]";
    public string Summary => "Write a synthetic highway video and FILE.truth.jsonl (one ground-truth line per frame).";

    public Task<int> RunAsync(CommandArguments arguments, TextWriter output, CancellationToken cancellationToken)
    {
        var outPath = arguments.Required("out");
        var condition = arguments.Optional("condition") ?? "day";
        ConditionSchedule schedule;
        try { schedule = ConditionSchedule.Parse(condition); }
        catch (FormatException ex) { throw new UsageException($"--condition: {ex.Message}"); }
        var options = new HighwaySceneOptions
        {
            Seed = arguments.Int("seed", 1, 0),
            Fps = arguments.Int("fps", 25, 1, 120),
            Width = arguments.Int("width", 640, 160, 3840),
            Height = arguments.Int("height", 360, 120, 2160),
            Conditions = schedule,
        };
        var duration = arguments.Duration("duration", TimeSpan.FromSeconds(30));
        arguments.RejectUnknown();

        var result = SyntheticVideoWriter.Write(options, duration, outPath);
        output.WriteLine($"wrote {result.VideoPath}: {result.FrameCount} frames; truth in {result.TruthPath}");
        return Task.FromResult(0);
    }
}
