using EdgeMlops.CloudHub.Api;
using EdgeMlops.Contracts;
using Microsoft.Extensions.Options;

namespace EdgeMlops.CloudHub.Monitoring;

/// <summary>
/// <c>GET /api/precision</c>: precision figures per device, camera, model version and source (macro, per class or per
/// time bucket), each with its samples and 95% Wilson interval; <c>GET /api/precision/drift</c>: drift signals per
/// camera and model version. Both read for viewers and above, like every device read.
/// </summary>
public static class PrecisionEndpoints
{
    /// <summary>Maps the routes onto <paramref name="api"/> (the <c>/api</c> group, which already needs a viewer).</summary>
    public static RouteGroupBuilder MapPrecision(this RouteGroupBuilder api)
    {
        var precision = api.MapGroup("/precision");
        precision.MapGet("", Figures);
        precision.MapGet("/drift", Drift);
        return api;
    }

    private static IResult Figures(HttpRequest request, IPrecisionReader reader, IOptions<MonitoringOptions> options, TimeProvider time)
    {
        if (!PrecisionRequest.TryRead(request.Query, time.GetUtcNow(), options.Value.MaxBuckets, out var query, out var problem))
            return problem!;
        var by = query.By.ToString().ToLowerInvariant();
        var bucket = query.By == PrecisionGrouping.Window ? query.Bucket ?? PrecisionReader.DefaultBucket : (TimeSpan?)null;
        return TypedResults.Ok(new PrecisionView(query.From, query.To, by, bucket?.TotalSeconds, reader.Figures(query)));
    }

    private static IResult Drift(HttpRequest request, IPrecisionReader reader, TimeProvider time)
    {
        if (!PrecisionRequest.TryReadDrift(request.Query, time.GetUtcNow(), out var query, out var problem))
            return problem!;
        return TypedResults.Ok(new DriftView(query.From, query.To, reader.Drift(query.From, query.To, query.Device, query.Camera)));
    }
}

/// <summary>The answer of <c>/api/precision</c>: the window asked for, how it was grouped, and the figures.</summary>
/// <param name="BucketSeconds">The bucket of <c>by=window</c>; null otherwise.</param>
public sealed record PrecisionView(DateTimeOffset From, DateTimeOffset To, string By, double? BucketSeconds, IReadOnlyList<PrecisionFigure> Figures);

/// <summary>The answer of <c>/api/precision/drift</c>.</summary>
public sealed record DriftView(DateTimeOffset From, DateTimeOffset To, IReadOnlyList<DriftFigure> Cameras);
