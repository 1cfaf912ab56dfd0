using System.Net;
using System.Net.Http.Json;
using System.Text.Json;

namespace EdgeMlops.CloudHub.Tests.Support;

/// <summary>Checks an API answer is RFC 7807 problem details with a status, a title and a detail.</summary>
internal static class ProblemResponse
{
    public static async Task<JsonElement> AssertAsync(HttpResponseMessage response, HttpStatusCode status)
    {
        Assert.Equal(status, response.StatusCode);
        Assert.Equal("application/problem+json", response.Content.Headers.ContentType?.MediaType);
        var problem = await response.Content.ReadFromJsonAsync<JsonElement>();
        Assert.Equal((int)status, problem.GetProperty("status").GetInt32());
        Assert.False(string.IsNullOrWhiteSpace(problem.GetProperty("title").GetString()));
        Assert.False(string.IsNullOrWhiteSpace(problem.GetProperty("detail").GetString()));
        return problem;
    }

    /// <summary>As <see cref="AssertAsync"/>; returns the detail.</summary>
    public static async Task<string> DetailAsync(HttpResponseMessage response, HttpStatusCode status) =>
        (await AssertAsync(response, status)).GetProperty("detail").GetString()!;
}
