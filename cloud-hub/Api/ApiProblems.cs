namespace EdgeMlops.CloudHub.Api;

/// <summary>The API's RFC 7807 answers, each with a detail that says what to fix.</summary>
public static class ApiProblems
{
    /// <summary>400, naming the parameter in <c>errors</c> and in the detail.</summary>
    public static IResult BadParameter(string parameter, string detail) =>
        TypedResults.ValidationProblem(
            new Dictionary<string, string[]> { [parameter] = [detail] },
            detail: detail,
            title: $"Invalid parameter '{parameter}'");

    /// <summary>404 for a device the hub has never known.</summary>
    public static IResult UnknownDevice(string deviceId) =>
        TypedResults.Problem(statusCode: StatusCodes.Status404NotFound, title: "Unknown device",
            detail: $"device '{deviceId}' is not known to the hub");

    /// <summary>409: the request would undo something that exists, e.g. re-key an enrolled device by accident.</summary>
    public static IResult Conflict(string title, string detail) =>
        TypedResults.Problem(statusCode: StatusCodes.Status409Conflict, title: title, detail: detail);

    /// <summary>404 for something else that is not there.</summary>
    public static IResult NotFound(string title, string detail) =>
        TypedResults.Problem(statusCode: StatusCodes.Status404NotFound, title: title, detail: detail);

    /// <summary>
    /// Writes a problem-details answer from middleware, where there is no endpoint result to return: Host refusals,
    /// 401 and 403.
    /// </summary>
    public static async Task WriteAsync(HttpContext context, int status, string title, string detail)
    {
        context.Response.StatusCode = status;
        await context.RequestServices.GetRequiredService<IProblemDetailsService>().WriteAsync(new ProblemDetailsContext
        {
            HttpContext = context,
            ProblemDetails = { Status = status, Title = title, Detail = detail },
        });
    }
}
