using System.Globalization;
using EdgeMlops.CloudHub.Api;
using EdgeMlops.Contracts;

namespace EdgeMlops.CloudHub.Review;

/// <summary>
/// The query string of the review queue (<c>device, camera, model, version, label, reason, needsReview,
/// minConfidence, maxConfidence, state, order, limit, cursor</c>) checked into a <see cref="ReviewQuery"/>, or the
/// first problem as a 400 naming the parameter.
/// </summary>
public static class ReviewListRequest
{
    public static bool TryRead(IQueryCollection query, out ReviewQuery request, out IResult? problem)
    {
        request = null!;
        problem = null;
        var device = Text(query, "device");
        if (device is not null && DeviceIds.FindProblem(device) is { } badId)
            return Fail(out problem, "device", $"'{device}' is not a valid device id: {badId}");
        foreach (var name in (string[])["camera", "model", "version", "label", "reason", "needsReview", "minConfidence", "maxConfidence", "state", "order"])
        {
            if (query.ContainsKey(name) && string.IsNullOrWhiteSpace(query[name].ToString()))
                return Fail(out problem, name, $"{name} must not be empty; leave it out to match every sample");
        }
        var reason = Text(query, "reason");
        if (reason is not null && !SampleReasons.IsKnown(reason))
            return Fail(out problem, "reason", $"reason must be one of {string.Join(", ", SampleReasons.All)}, got '{reason}'");
        bool? needsReview = null;
        if (Text(query, "needsReview") is { } needsText)
        {
            if (!bool.TryParse(needsText, out var needs))
                return Fail(out problem, "needsReview", $"needsReview must be true or false, got '{needsText}'");
            needsReview = needs;
        }
        if (!TryConfidence(query, "minConfidence", out var min, out problem) || !TryConfidence(query, "maxConfidence", out var max, out problem))
            return false;
        if (min > max)
            return Fail(out problem, "maxConfidence", $"maxConfidence ({max}) is below minConfidence ({min})");
        var state = Text(query, "state") ?? "all";
        if (!ReviewStates.Filters.Contains(state))
            return Fail(out problem, "state", $"state must be one of {string.Join(", ", ReviewStates.Filters)}, got '{state}'");
        if (!TryOrder(query, out var order, out problem) || !RecordListRequest.TryReadLimit(query, out var limit, out problem))
            return false;
        ReviewCursor? after = null;
        if (query.ContainsKey("cursor") && !ReviewCursor.TryDecode(query["cursor"].ToString(), order, out after))
            return Fail(out problem, "cursor", $"cursor is not one this API returned as nextCursor for order={Name(order)}");

        var filter = new ReviewFilter(device, Text(query, "camera"), Text(query, "model"), Text(query, "version"), Text(query, "label"),
            reason, needsReview, min, max, state);
        request = new ReviewQuery(filter, order, after, limit);
        return true;
    }

    /// <summary>The <c>order</c> parameter: <c>oldest</c> (default) or <c>hardest</c>.</summary>
    public static bool TryOrder(IQueryCollection query, out ReviewOrder order, out IResult? problem)
    {
        problem = null;
        order = ReviewOrder.Oldest;
        switch (Text(query, "order"))
        {
            case null or "oldest":
                return true;
            case "hardest":
                order = ReviewOrder.Hardest;
                return true;
            case var other:
                return Fail(out problem, "order", $"order must be oldest or hardest, got '{other}'");
        }
    }

    public static string Name(ReviewOrder order) => order == ReviewOrder.Hardest ? "hardest" : "oldest";

    private static bool TryConfidence(IQueryCollection query, string name, out double? value, out IResult? problem)
    {
        value = null;
        problem = null;
        if (Text(query, name) is not { } text)
            return true;
        if (!double.TryParse(text, NumberStyles.AllowDecimalPoint, CultureInfo.InvariantCulture, out var parsed) || parsed is < 0 or > 1)
            return Fail(out problem, name, $"{name} must be a number from 0 to 1, got '{text}'");
        value = parsed;
        return true;
    }

    private static string? Text(IQueryCollection query, string name) =>
        query.TryGetValue(name, out var value) && !string.IsNullOrEmpty(value.ToString()) ? value.ToString() : null;

    private static bool Fail(out IResult? problem, string parameter, string detail)
    {
        problem = ApiProblems.BadParameter(parameter, detail);
        return false;
    }
}
