using System.Globalization;
using System.Text.RegularExpressions;
using EdgeMlops.CloudHub.Storage;
using EdgeMlops.Contracts;

namespace EdgeMlops.CloudHub.Api;

/// <summary>
/// The query string of a record listing (<c>camera, from, to, limit, cursor</c>) checked into a <see cref="RecordQuery"/>,
/// or the first problem, naming the parameter.
/// </summary>
public static partial class RecordListRequest
{
    public const int DefaultLimit = 100;
    public const int MaxLimit = 1000;

    /// <summary>Reads the request; on failure <paramref name="problem"/> is a 400 naming the bad parameter.</summary>
    public static bool TryRead(string deviceId, IQueryCollection query, out RecordQuery request, out IResult? problem)
    {
        request = null!;
        problem = null;
        if (DeviceIds.FindProblem(deviceId) is { } badId)
            return Fail(out problem, "deviceId", $"'{deviceId}' is not a valid device id: {badId}");

        var camera = query["camera"].ToString();
        if (query.ContainsKey("camera") && string.IsNullOrWhiteSpace(camera))
            return Fail(out problem, "camera", "camera must not be empty; leave it out to list every camera");

        long? from = null, to = null;
        if (query.ContainsKey("from"))
        {
            if (!TryParseTime(query["from"].ToString(), out var value))
                return Fail(out problem, "from", $"from '{query["from"]}' is not an ISO 8601 time such as 2025-06-01T12:00:00Z");
            from = UnixTime.ToMs(value);
        }
        if (query.ContainsKey("to"))
        {
            if (!TryParseTime(query["to"].ToString(), out var value))
                return Fail(out problem, "to", $"to '{query["to"]}' is not an ISO 8601 time such as 2025-06-01T13:00:00Z");
            to = UnixTime.ToMs(value);
        }
        if (from > to)
            return Fail(out problem, "to", $"to ({query["to"]}) is earlier than from ({query["from"]})");

        if (!TryReadLimit(query, out var limit, out problem))
            return false;

        RecordKey? after = null;
        if (query.ContainsKey("cursor"))
        {
            if (!PageCursor.TryDecode(query["cursor"].ToString(), out var key))
                return Fail(out problem, "cursor", "cursor is not one this API returned as nextCursor");
            after = key;
        }

        request = new RecordQuery(deviceId, string.IsNullOrEmpty(camera) ? null : camera, from, to, after, limit);
        return true;
    }

    /// <summary>ISO 8601 only (a date, or a date and time with an offset or Z); a time without an offset is taken as UTC.</summary>
    public static bool TryParseTime(string text, out DateTimeOffset value)
    {
        value = default;
        return IsoShape().IsMatch(text)
            && DateTimeOffset.TryParse(text, CultureInfo.InvariantCulture, DateTimeStyles.AssumeUniversal | DateTimeStyles.AdjustToUniversal, out value);
    }

    /// <summary>The <c>limit</c> parameter every list route takes: 1 to <see cref="MaxLimit"/>, <see cref="DefaultLimit"/> when absent.</summary>
    public static bool TryReadLimit(IQueryCollection query, out int limit, out IResult? problem)
    {
        problem = null;
        limit = DefaultLimit;
        if (query.ContainsKey("limit")
            && (!int.TryParse(query["limit"].ToString(), NumberStyles.None, CultureInfo.InvariantCulture, out limit) || limit is < 1 or > MaxLimit))
            return Fail(out problem, "limit", $"limit must be a whole number from 1 to {MaxLimit}, got '{query["limit"]}'");
        return true;
    }

    private static bool Fail(out IResult? problem, string parameter, string detail)
    {
        problem = ApiProblems.BadParameter(parameter, detail);
        return false;
    }

    [GeneratedRegex(@"^\d{4}-\d{2}-\d{2}(T\d{2}:\d{2}(:\d{2}(\.\d{1,7})?)?(Z|[+-]\d{2}:\d{2})?)?$", RegexOptions.CultureInvariant)]
    private static partial Regex IsoShape();
}
