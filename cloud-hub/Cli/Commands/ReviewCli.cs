using System.Globalization;
using EdgeMlops.CloudHub.Ingest;
using EdgeMlops.CloudHub.Operators;
using EdgeMlops.CloudHub.Registry;
using EdgeMlops.CloudHub.Review;
using EdgeMlops.Contracts;

namespace EdgeMlops.CloudHub.Cli.Commands;

/// <summary>
/// The review queue for the <c>review</c> commands: the same <see cref="ReviewService"/> the API uses, over the hub
/// database the CLI opened (with the registry, for the models' label sets), reviewing as <c>cli:&lt;os user&gt;</c>.
/// </summary>
internal sealed class ReviewCli : IDisposable
{
    private readonly HubStoreAccess _access;

    private ReviewCli(HubStoreAccess access)
    {
        _access = access;
        Store = new ReviewStore(access.Database);
        Service = new ReviewService(Store,
            new ModelLabelSets(access.Get<ModelVersionBook>(), access.Get<ModelBlobStore>(), access.Get<ILogger<ModelLabelSets>>()),
            access.Audit, TimeProvider.System);
        Files = new SampleFiles(access.Database);
    }

    public static ReviewCli Open(string? db) => new(HubStoreAccess.Open(db, registry: true));

    public ReviewStore Store { get; }

    public ReviewService Service { get; }

    public SampleFiles Files { get; }

    public static string Reviewer => AuditLog.CliActor;

    /// <summary>The <c>--device</c> option, checked.</summary>
    public static string? DeviceOption(CommandArguments arguments)
    {
        var device = arguments.Optional("device");
        return device is not null && DeviceIds.FindProblem(device) is { } badId
            ? throw new UsageException($"--device '{device}': {badId}.")
            : device;
    }

    public void Dispose() => _access.Dispose();

    /// <summary>A sample for a person at a terminal: where its crop is, what the model said, why it was kept, the labels so far.</summary>
    public void Print(ReviewItemView item, string imagePath, TextWriter output)
    {
        output.WriteLine($"sample   {item.Key}");
        output.WriteLine($"crop     {imagePath}");
        output.WriteLine($"device   {item.DeviceId}   camera {item.CameraId}   model {item.ModelName} {item.ModelVersion}");
        output.WriteLine($"captured {item.CapturedAt:u}");
        output.WriteLine($"top-3    {string.Join(", ", item.Top3.Select(p => string.Create(CultureInfo.InvariantCulture, $"{p.Label} {p.Probability:0.00}")))}");
        output.WriteLine($"reason   {item.Reason}{(item.NeedsReview ? " (under the model's certainty threshold)" : "")}");
        var standing = item.Labels.Where(l => l.WithdrawnAt is null).ToList();
        output.WriteLine($"state    {item.State}{(item.AgreedLabel is { } agreed ? $": {agreed}" : "")}"
            + (standing.Count == 0 ? "" : $"   labels {string.Join(", ", standing.Select(l => $"{l.Reviewer}{(l.Simulated ? " (simulated)" : "")}: {l.Label}"))}"));
        output.WriteLine($"answers  {string.Join(", ", item.AllowedLabels)}");
    }

    public string ImagePathOf(SampleKey key) =>
        Store.Sample(key) is { } row ? Files.FullPath(row.ImagePath) : "(sample gone)";
}
