using System.Net.Http.Headers;
using EdgeMlops.CloudHub.Ingest;
using EdgeMlops.CloudHub.Operators;
using EdgeMlops.CloudHub.Tests.Support;
using EdgeMlops.Contracts;

namespace EdgeMlops.CloudHub.Tests.Review;

/// <summary>Review samples as a box publishes them, ingested through the hub's own ingest.</summary>
internal static class ReviewSamples
{
    public const string Model = "vehicle-classifier";

    /// <summary>A sample of seq <paramref name="seq"/> (epoch 5), captured <paramref name="seq"/> seconds after <see cref="Payloads.Time0"/>.</summary>
    public static byte[] Frame(string deviceId, long seq, string predicted = "car", double confidence = 0.5, string camera = "cam-1",
        string reason = SampleReasons.LowConfidence, string? truth = null, string version = "1.0.0", long epoch = 5)
    {
        var others = new[] { "car", "van", "truck", "bus" }.Where(label => label != predicted).ToList();
        var probabilities = new Dictionary<string, double> { [predicted] = confidence };
        var rest = 1 - confidence;
        // The rest spread unevenly over the other classes, so the top three have a definite order.
        probabilities[others[0]] = Math.Round(rest * 0.6, 6);
        probabilities[others[1]] = Math.Round(rest * 0.3, 6);
        probabilities[others[2]] = Math.Round(rest * 0.1, 6);
        var info = new ReviewSampleInfo(deviceId, camera, $"sample-{seq}", TrackId: seq, Payloads.Time0.AddSeconds(seq), Model, version,
            predicted, confidence, probabilities, reason, truth);
        return SampleFrame.Write(new SampleHeader(deviceId, epoch, seq, Payloads.Time0.AddSeconds(seq), info), Payloads.Jpeg((byte)seq, 700));
    }

    public static async Task IngestAsync(this InProcessHub hub, string deviceId, byte[] frame)
    {
        var result = await hub.Ingest.IngestAsync(Topics.Samples(deviceId), frame, CancellationToken.None);
        Assert.True(result.Status == IngestStatus.Stored, result.Reason);
    }

    /// <summary>A client of a started hub for a new operator named <paramref name="name"/>.</summary>
    public static HttpClient ClientFor(this InProcessHub hub, string name, OperatorRole role = OperatorRole.Operator)
    {
        var client = new HttpClient { BaseAddress = hub.BaseAddress };
        client.DefaultRequestHeaders.Authorization = new AuthenticationHeaderValue("Bearer", hub.AddOperator(name, role));
        return client;
    }

    /// <summary>The audit entries of <paramref name="action"/>, oldest first, as (actor, target, outcome).</summary>
    public static IReadOnlyList<(string Actor, string Target, string Outcome)> Audit(this InProcessHub hub, string action) =>
        hub.Get<AuditLog>().Page(null, 1000).Where(e => e.Action == action).Reverse().Select(e => (e.Actor, e.Target, e.Outcome)).ToList();
}
