using System.Text.Json;
using EdgeMlops.CloudHub.Api;
using EdgeMlops.CloudHub.Operators;
using EdgeMlops.Contracts;
using Microsoft.AspNetCore.Http.Features;
using Microsoft.Extensions.Options;

namespace EdgeMlops.CloudHub.Registry;

/// <summary>
/// The registry's routes: <c>/api/models</c> for operators (viewer reads, operator registers and moves aliases, every
/// change audited with the operator's name) and the device download API under <see cref="ModelDownloadPaths.Prefix"/>.
/// </summary>
public static class RegistryEndpoints
{
    /// <summary>What refusals call an uploaded package (it is kept under a temporary name the caller never sees).</summary>
    private const string UploadName = "upload.zip";

    /// <summary>Maps both; needs <c>AddHubRegistry</c>.</summary>
    public static IEndpointRouteBuilder MapRegistry(this IEndpointRouteBuilder app)
    {
        var models = app.MapGroup("/api/models").RequireAuthorization(OperatorPolicies.Read);
        models.MapPost("", RegisterAsync).RequireAuthorization(OperatorPolicies.Operate);
        models.MapGet("", ListModels);
        models.MapGet("/{name}", GetModel);
        models.MapGet("/{name}/aliases/history", GetHistory);
        models.MapGet("/{name}/{version}", GetVersion);
        models.MapPut("/{name}/aliases/{alias}", MoveAliasAsync).RequireAuthorization(OperatorPolicies.Operate);
        models.MapDelete("/{name}/aliases/{alias}", RemoveAlias).RequireAuthorization(OperatorPolicies.Operate);
        app.MapDeviceDownloads();
        return app;
    }

    private static async Task<IResult> RegisterAsync(HttpRequest request, ModelRegistration registration, ModelBlobStore blobs,
        IOptions<RegistryOptions> options, CancellationToken cancellationToken)
    {
        var actor = OperatorClaims.NameOf(request.HttpContext.User);
        if (request.ContentType is not { } contentType || !contentType.StartsWith("application/zip", StringComparison.OrdinalIgnoreCase))
            return TypedResults.Problem(statusCode: StatusCodes.Status415UnsupportedMediaType, title: "Not a zip",
                detail: $"the body must be a model package zip with Content-Type application/zip, got '{request.ContentType}'");
        var notes = request.Query["notes"].ToString();
        var limit = options.Value.MaxPackageBytes;
        if (request.HttpContext.Features.Get<IHttpMaxRequestBodySizeFeature>() is { IsReadOnly: false } bodyLimit)
            bodyLimit.MaxRequestBodySize = limit;
        Directory.CreateDirectory(blobs.ScratchDirectory);
        var upload = Path.Combine(blobs.ScratchDirectory, $"upload-{Guid.NewGuid():N}.zip");
        try
        {
            try
            {
                if (request.ContentLength > limit)
                    throw new BadHttpRequestException("too large", StatusCodes.Status413PayloadTooLarge);
                await using (var file = new FileStream(upload, FileMode.CreateNew, FileAccess.Write))
                    await request.Body.CopyToAsync(file, cancellationToken);
            }
            catch (BadHttpRequestException e) when (e.StatusCode == StatusCodes.Status413PayloadTooLarge)
            {
                var refused = new RegistrationRefusedException(RegistrationChecks.Size, UploadName,
                    $"the package is larger than {RegistryOptions.Section}:MaxPackageBytes ({limit} bytes)");
                registration.RecordRefusal(refused, actor, UploadName);
                // The rest of the body is not read: the connection cannot carry another request, so the client must not reuse it.
                request.HttpContext.Response.Headers.Connection = "close";
                return Refusal(refused, StatusCodes.Status413PayloadTooLarge);
            }
            var result = await registration.RegisterAsync(upload, actor, string.IsNullOrWhiteSpace(notes) ? null : notes, cancellationToken, source: UploadName);
            var view = ModelVersionView.From(result.Version, new Dictionary<string, string>());
            return result.Created
                ? TypedResults.Created($"/api/models/{Uri.EscapeDataString(view.Name)}/{Uri.EscapeDataString(view.Version)}", view)
                : TypedResults.Ok(view);
        }
        catch (RegistrationRefusedException refused)
        {
            return Refusal(refused, refused.IsConflict ? StatusCodes.Status409Conflict : StatusCodes.Status422UnprocessableEntity);
        }
        finally
        {
            File.Delete(upload);
        }
    }

    /// <summary>Problem details naming the failed check and the file in extension fields, so a client can act on them.</summary>
    private static IResult Refusal(RegistrationRefusedException refused, int status) =>
        TypedResults.Problem(statusCode: status, title: $"Package refused: {refused.Check} check", detail: refused.Message,
            extensions: new Dictionary<string, object?> { ["check"] = refused.Check, ["file"] = refused.File });

    private static IResult ListModels(ModelVersionBook book) =>
        TypedResults.Ok(book.All().GroupBy(v => v.Name, StringComparer.Ordinal)
            .Select(g => new ModelSummaryView(g.Key, g.Select(v => v.Version).ToList(), book.Aliases(g.Key)))
            .ToList());

    private static IResult GetModel(string name, ModelVersionBook book)
    {
        var versions = book.Versions(name);
        if (versions.Count == 0)
            return UnknownModel(name);
        var aliases = book.Aliases(name);
        return TypedResults.Ok(new ModelView(name, aliases, versions.Select(v => ModelVersionView.From(v, aliases)).ToList()));
    }

    private static IResult GetVersion(string name, string version, ModelVersionBook book) =>
        book.Find(name, version) is { } found
            ? TypedResults.Ok(ModelVersionView.From(found, book.Aliases(name), book.Files(name, version)))
            : ApiProblems.NotFound("Unknown model version", $"{name} {version} is not registered");

    private static IResult GetHistory(string name, ModelVersionBook book) =>
        book.Versions(name).Count == 0 ? UnknownModel(name) : TypedResults.Ok(book.History(name));

    private static async Task<IResult> MoveAliasAsync(string name, string alias, HttpRequest request, ModelAliases aliases, CancellationToken cancellationToken)
    {
        AliasMoveRequest? body;
        try
        {
            body = await request.ReadFromJsonAsync<AliasMoveRequest>(cancellationToken);
        }
        catch (Exception e) when (e is JsonException or InvalidOperationException)
        {
            return ApiProblems.BadParameter("body", $"the body must be JSON such as {{\"version\": \"1.1.0\", \"reason\": \"canary passed\"}}: {e.Message}");
        }
        if (string.IsNullOrWhiteSpace(body?.Version))
            return ApiProblems.BadParameter("version", "the version the alias should name is missing");
        return Move(aliases, request.HttpContext, name, alias, body.Version, body.Reason);
    }

    private static IResult RemoveAlias(string name, string alias, HttpContext context, ModelAliases aliases) =>
        Move(aliases, context, name, alias, null, context.Request.Query["reason"].ToString());

    private static IResult Move(ModelAliases aliases, HttpContext context, string name, string alias, string? version, string? reason)
    {
        try
        {
            var move = aliases.Move(OperatorClaims.NameOf(context.User), name, alias, version, reason);
            return version is null ? TypedResults.NoContent() : TypedResults.Ok(new AliasView(name, alias, version, Moved: move is not null));
        }
        catch (AliasMoveException e)
        {
            return e.IsUnknown ? ApiProblems.NotFound("Unknown model version or alias", e.Message) : ApiProblems.BadParameter(e.Parameter, e.Message);
        }
    }

    private static IResult UnknownModel(string name) => ApiProblems.NotFound("Unknown model", $"no version of '{name}' is registered");
}
