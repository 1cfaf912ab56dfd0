using EdgeMlops.CloudHub.Api;
using EdgeMlops.Contracts;
using EdgeMlops.Contracts.Text;

namespace EdgeMlops.CloudHub.Monitoring;

/// <summary>
/// The query string of <c>/api/precision</c> and <c>/api/precision/drift</c> checked into a query, or a 400 naming the
/// first bad parameter. Unknown parameters are refused too: a misspelt filter would otherwise widen the answer silently.
/// </summary>
public static class PrecisionRequest
{
    /// <summary>How far back <c>from</c> lies when left out (<c>to</c> defaults to now).</summary>
    public static readonly TimeSpan DefaultWindow = TimeSpan.FromHours(24);

    /// <summary>The smallest bucket of <c>by=window</c>: boxes report per minute at the finest.</summary>
    public static readonly TimeSpan MinBucket = TimeSpan.FromMinutes(1);

    private const int MaxTextLength = FieldLimits.IdLength;

    private static readonly string[] FigureParameters = ["device", "camera", "model", "version", "source", "from", "to", "by", "bucket"];
    private static readonly string[] DriftParameters = ["device", "camera", "from", "to"];

    /// <summary>Reads <c>/api/precision</c>'s parameters; <paramref name="now"/> ends the default window.</summary>
    public static bool TryRead(IQueryCollection query, DateTimeOffset now, int maxBuckets, out PrecisionQuery request, out IResult? problem)
    {
        request = null!;
        if (!TryReadCommon(query, FigureParameters, now, out var device, out var camera, out var from, out var to, out problem)
            || !TryText(query, "model", out var model, out problem)
            || !TryText(query, "version", out var version, out problem))
            return false;
        var source = query.ContainsKey("source") ? query["source"].ToString() : null;
        if (source is not null && !PrecisionSources.All.Contains(source))
            return Fail(out problem, "source", $"source must be one of {string.Join(", ", PrecisionSources.All)}, got '{source}'");
        var by = PrecisionGrouping.Total;
        if (query.ContainsKey("by"))
        {
            by = query["by"].ToString() switch
            {
                "total" => PrecisionGrouping.Total,
                "class" => PrecisionGrouping.Class,
                "window" => PrecisionGrouping.Window,
                _ => (PrecisionGrouping)(-1),
            };
            if (!Enum.IsDefined(by))
                return Fail(out problem, "by", $"by must be total, class or window, got '{query["by"]}'");
        }
        TimeSpan? bucket = null;
        if (query.ContainsKey("bucket"))
        {
            if (by != PrecisionGrouping.Window)
                return Fail(out problem, "bucket", "bucket sizes the windows of by=window; add by=window or leave bucket out");
            if (!DurationText.TryParse(query["bucket"].ToString(), out var size) || size < MinBucket)
                return Fail(out problem, "bucket", $"bucket must be a duration of at least 1m such as 15m or 1h, got '{query["bucket"]}'");
            bucket = size;
        }
        if (by == PrecisionGrouping.Window)
        {
            var buckets = Math.Ceiling((to - from) / (bucket ?? PrecisionReader.DefaultBucket));
            if (buckets > maxBuckets)
                return Fail(out problem, "bucket",
                    $"from {from:O} to {to:O} by {bucket ?? PrecisionReader.DefaultBucket} is {buckets} windows, over the limit of {maxBuckets}; use a larger bucket or a shorter range");
        }
        request = new PrecisionQuery(from, to, device, camera, model, version, source, by, bucket);
        return true;
    }

    /// <summary>Reads <c>/api/precision/drift</c>'s parameters.</summary>
    public static bool TryReadDrift(IQueryCollection query, DateTimeOffset now,
        out (DateTimeOffset From, DateTimeOffset To, string? Device, string? Camera) request, out IResult? problem)
    {
        request = default;
        if (!TryReadCommon(query, DriftParameters, now, out var device, out var camera, out var from, out var to, out problem))
            return false;
        request = (from, to, device, camera);
        return true;
    }

    private static bool TryReadCommon(IQueryCollection query, string[] known, DateTimeOffset now,
        out string? device, out string? camera, out DateTimeOffset from, out DateTimeOffset to, out IResult? problem)
    {
        device = camera = null;
        from = to = default;
        if (query.Keys.FirstOrDefault(k => !known.Contains(k, StringComparer.Ordinal)) is { } unknown)
            return Fail(out problem, unknown, $"unknown parameter '{unknown}'; this route takes {string.Join(", ", known)}");
        if (query.ContainsKey("device"))
        {
            device = query["device"].ToString();
            if (DeviceIds.FindProblem(device) is { } badId)
                return Fail(out problem, "device", $"'{device}' is not a valid device id: {badId}");
        }
        if (!TryText(query, "camera", out camera, out problem))
            return false;
        DateTimeOffset? fromValue = null, toValue = null;
        if (query.ContainsKey("from"))
        {
            if (!RecordListRequest.TryParseTime(query["from"].ToString(), out var value))
                return Fail(out problem, "from", $"from '{query["from"]}' is not an ISO 8601 time such as 2025-06-01T12:00:00Z");
            fromValue = value;
        }
        if (query.ContainsKey("to"))
        {
            if (!RecordListRequest.TryParseTime(query["to"].ToString(), out var value))
                return Fail(out problem, "to", $"to '{query["to"]}' is not an ISO 8601 time such as 2025-06-02T12:00:00Z");
            toValue = value;
        }
        to = toValue ?? now;
        from = fromValue ?? to - DefaultWindow;
        if (to <= from)
            return Fail(out problem, "to", $"to ({to:O}) must be after from ({from:O})");
        return true;
    }

    private static bool TryText(IQueryCollection query, string name, out string? value, out IResult? problem)
    {
        problem = null;
        value = null;
        if (!query.ContainsKey(name))
            return true;
        value = query[name].ToString();
        if (string.IsNullOrWhiteSpace(value))
            return Fail(out problem, name, $"{name} must not be empty; leave it out to match every {name}");
        if (value.Length > MaxTextLength)
            return Fail(out problem, name, $"{name} is {value.Length} characters long, over the limit of {MaxTextLength}");
        return true;
    }

    private static bool Fail(out IResult? problem, string parameter, string detail)
    {
        problem = ApiProblems.BadParameter(parameter, detail);
        return false;
    }
}
