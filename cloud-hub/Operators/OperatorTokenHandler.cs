using EdgeMlops.CloudHub.Api;
using System.Security.Claims;
using System.Text.Encodings.Web;
using Microsoft.AspNetCore.Authentication;
using Microsoft.Extensions.Options;

namespace EdgeMlops.CloudHub.Operators;

/// <summary>
/// Authenticates <c>Authorization: Bearer &lt;token&gt;</c> against the <see cref="OperatorRegistry"/> on every request,
/// so a revoked token is refused from the next request on. A request without a token, or with one the hub does not
/// know, is answered 401 as problem details saying which.
/// </summary>
public sealed class OperatorTokenHandler(
    IOptionsMonitor<AuthenticationSchemeOptions> options,
    ILoggerFactory loggerFactory,
    UrlEncoder encoder,
    OperatorRegistry operators)
    : AuthenticationHandler<AuthenticationSchemeOptions>(options, loggerFactory, encoder)
{
    public const string SchemeName = "OperatorToken";
    private const string Bearer = "Bearer ";

    protected override Task<AuthenticateResult> HandleAuthenticateAsync()
    {
        var header = Request.Headers.Authorization.ToString();
        if (string.IsNullOrEmpty(header))
            return Task.FromResult(AuthenticateResult.NoResult());
        if (!header.StartsWith(Bearer, StringComparison.OrdinalIgnoreCase))
            return Task.FromResult(AuthenticateResult.Fail("the Authorization header is not 'Bearer <token>'"));
        if (operators.FindByToken(header[Bearer.Length..].Trim()) is not { } account)
            return Task.FromResult(AuthenticateResult.Fail("the token is unknown or revoked"));
        var identity = new ClaimsIdentity(
            [new Claim(ClaimTypes.Name, account.Name), new Claim(ClaimTypes.Role, account.Role.Name())], SchemeName);
        return Task.FromResult(AuthenticateResult.Success(new AuthenticationTicket(new ClaimsPrincipal(identity), SchemeName)));
    }

    protected override async Task HandleChallengeAsync(AuthenticationProperties properties)
    {
        var result = await HandleAuthenticateOnceSafeAsync();
        var detail = result.Failure is { } failure
            ? $"{failure.Message}; make a token on the hub machine with `cloud-hub operator add NAME --role {OperatorRoles.Names}`"
            : $"no token: send 'Authorization: Bearer <token>'; make one on the hub machine with `cloud-hub operator add NAME --role {OperatorRoles.Names}`";
        Response.Headers.WWWAuthenticate = result.Failure is null ? "Bearer" : "Bearer error=\"invalid_token\"";
        await ApiProblems.WriteAsync(Context, StatusCodes.Status401Unauthorized, "Authentication required", detail);
    }
}

/// <summary>The operator a request was authenticated as.</summary>
public static class OperatorClaims
{
    /// <summary>The operator's name for the audit log.</summary>
    public static string NameOf(ClaimsPrincipal user) => user.Identity?.Name ?? "anonymous";

    /// <summary>The operator's role; null for a request without a valid token.</summary>
    public static OperatorRole? RoleOf(ClaimsPrincipal user) =>
        user.Identity?.IsAuthenticated == true && OperatorRoles.TryParse(user.FindFirstValue(ClaimTypes.Role), out var role) ? role : null;
}
