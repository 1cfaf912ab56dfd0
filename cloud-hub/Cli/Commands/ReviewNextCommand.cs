using EdgeMlops.CloudHub.Review;
using EdgeMlops.Contracts;

namespace EdgeMlops.CloudHub.Cli.Commands;

/// <summary><c>review next</c>: the next sample open for the person running it, with its crop's path and the model's top three.</summary>
public sealed class ReviewNextCommand : ICliCommand
{
    public string Name => "review next";
    public string Usage => "[--device ID] [--camera ID] [--model NAME] [--version V] [--label CLASS] [--reason REASON] [--order oldest|hardest] [--db PATH]";
    public string Summary => "Show the next sample to review (unlabelled, or a conflict you have not voted in): the crop's file path, device, camera, model, top-3 and why it was kept; label it with 'review label'.";

    public Task<int> RunAsync(CommandArguments arguments, TextWriter output, CancellationToken cancellationToken)
    {
        var device = ReviewCli.DeviceOption(arguments);
        var reason = arguments.Optional("reason");
        if (reason is not null && !SampleReasons.IsKnown(reason))
            throw new UsageException($"--reason must be one of {string.Join(", ", SampleReasons.All)}; got '{reason}'.");
        var order = arguments.Optional("order") switch
        {
            null or "oldest" => ReviewOrder.Oldest,
            "hardest" => ReviewOrder.Hardest,
            var other => throw new UsageException($"--order must be oldest or hardest; got '{other}'."),
        };
        var filter = new ReviewFilter(device, arguments.Optional("camera"), arguments.Optional("model"), arguments.Optional("version"),
            arguments.Optional("label"), reason);
        var db = arguments.Optional("db");
        arguments.RejectUnknown();

        using var review = ReviewCli.Open(db);
        if (review.Service.Next(filter, order, ReviewCli.Reviewer) is not { } item)
        {
            output.WriteLine("Nothing left to review.");
            return Task.FromResult(0);
        }
        review.Print(item, review.ImagePathOf(new SampleKey(item.DeviceId, item.Epoch, item.Seq)), output);
        output.WriteLine($"label it: cloud-hub review label {item.Key} <answer>");
        return Task.FromResult(0);
    }
}
