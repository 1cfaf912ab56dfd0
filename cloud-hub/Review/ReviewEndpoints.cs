using EdgeMlops.CloudHub.Api;
using EdgeMlops.CloudHub.Ingest;
using EdgeMlops.CloudHub.Operators;
using EdgeMlops.Contracts;

namespace EdgeMlops.CloudHub.Review;

/// <summary>
/// The review queue under <c>/api/review</c>: viewers list samples, the next one to review, a sample's crop and the
/// statistics; operators label and undo their labels, each audited with their name.
/// </summary>
public static class ReviewEndpoints
{
    /// <summary>Maps the routes on <paramref name="api"/> (the <c>/api</c> group, which already requires a viewer).</summary>
    public static RouteGroupBuilder MapReview(this RouteGroupBuilder api)
    {
        var review = api.MapGroup("/review");
        review.MapGet("/samples", List);
        review.MapGet("/next", Next);
        review.MapGet("/stats", Stats);
        review.MapGet("/samples/{deviceId}/{epoch:long}/{seq:long}", Get);
        review.MapGet("/samples/{deviceId}/{epoch:long}/{seq:long}/image", Image);
        review.MapPost("/samples/{deviceId}/{epoch:long}/{seq:long}/label", LabelAsync).RequireAuthorization(OperatorPolicies.Operate);
        review.MapDelete("/samples/{deviceId}/{epoch:long}/{seq:long}/label", Withdraw).RequireAuthorization(OperatorPolicies.Operate);
        return api;
    }

    private static IResult List(HttpRequest request, ReviewService review) =>
        ReviewListRequest.TryRead(request.Query, out var query, out var problem)
            ? TypedResults.Ok(review.Page(query))
            : problem!;

    /// <summary>The next sample open for the caller in the queue's order; 204 when none is left.</summary>
    private static IResult Next(HttpRequest request, ReviewService review)
    {
        if (!ReviewListRequest.TryRead(request.Query, out var query, out var problem))
            return problem!;
        return review.Next(query.Filter, query.Order, OperatorClaims.NameOf(request.HttpContext.User)) is { } item
            ? TypedResults.Ok(item)
            : TypedResults.NoContent();
    }

    private static IResult Stats(HttpRequest request, ReviewService review)
    {
        var device = request.Query["device"].ToString();
        if (request.Query.ContainsKey("device") && DeviceIds.FindProblem(device) is { } badId)
            return ApiProblems.BadParameter("device", $"'{device}' is not a valid device id: {badId}");
        return TypedResults.Ok(review.Stats(string.IsNullOrEmpty(device) ? null : device));
    }

    private static IResult Get(string deviceId, long epoch, long seq, ReviewService review)
    {
        if (KeyOf(deviceId, epoch, seq, out var key) is { } bad)
            return bad;
        return review.Item(key) is { } item ? TypedResults.Ok(item) : UnknownSample(key);
    }

    private static IResult Image(string deviceId, long epoch, long seq, ReviewStore store, SampleFiles files)
    {
        if (KeyOf(deviceId, epoch, seq, out var key) is { } bad)
            return bad;
        if (store.Sample(key) is not { } sample)
            return UnknownSample(key);
        var path = files.FullPath(sample.ImagePath);
        return File.Exists(path)
            ? TypedResults.PhysicalFile(path, "image/jpeg")
            : ApiProblems.NotFound("Image missing", $"the image of sample {key} is no longer on disk");
    }

    private static async Task<IResult> LabelAsync(string deviceId, long epoch, long seq, HttpRequest request, ReviewService review, CancellationToken cancellationToken)
    {
        if (KeyOf(deviceId, epoch, seq, out var key) is { } bad)
            return bad;
        var (body, badBody) = await HubApiEndpoints.ReadBodyAsync<LabelRequest>(request, """{"label": "car"}""", cancellationToken);
        if (badBody is not null)
            return badBody;
        if (string.IsNullOrWhiteSpace(body?.Label))
            return ApiProblems.BadParameter("label", "label is missing; give a class of the model, not-a-vehicle or unsure, e.g. {\"label\": \"car\"}");
        var result = review.Label(key, body.Label, OperatorClaims.NameOf(request.HttpContext.User));
        return result.Outcome switch
        {
            ReviewChange.Done => TypedResults.Ok(result.Item),
            ReviewChange.NotAllowed => ApiProblems.BadParameter("label",
                $"'{ReviewService.Shorten(body.Label)}' is not an answer for sample {key} of {result.Item?.ModelName} {result.Item?.ModelVersion}; allowed: {string.Join(", ", result.AllowedLabels)}"),
            _ => UnknownSample(key),
        };
    }

    private static IResult Withdraw(string deviceId, long epoch, long seq, HttpContext context, ReviewService review)
    {
        if (KeyOf(deviceId, epoch, seq, out var key) is { } bad)
            return bad;
        var result = review.Withdraw(key, OperatorClaims.NameOf(context.User));
        return result.Outcome switch
        {
            ReviewChange.Done => TypedResults.Ok(result.Item),
            ReviewChange.NoStandingLabel => ApiProblems.NotFound("No label to undo", $"you have no standing label on sample {key}"),
            _ => UnknownSample(key),
        };
    }

    private static IResult? KeyOf(string deviceId, long epoch, long seq, out SampleKey key)
    {
        key = new SampleKey(deviceId, epoch, seq);
        return DeviceIds.FindProblem(deviceId) is { } problem
            ? ApiProblems.BadParameter("deviceId", $"'{deviceId}' is not a valid device id: {problem}")
            : null;
    }

    private static IResult UnknownSample(SampleKey key) =>
        ApiProblems.NotFound("Unknown sample", $"the hub has no sample {key} (device/epoch/seq)");
}

/// <summary>The body of <c>POST /api/review/samples/{device}/{epoch}/{seq}/label</c>.</summary>
public sealed record LabelRequest(string? Label);
