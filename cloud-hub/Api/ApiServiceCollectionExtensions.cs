namespace EdgeMlops.CloudHub.Api;

public static class ApiServiceCollectionExtensions
{
    /// <summary>What the HTTP API (<see cref="HubApiEndpoints.MapHubApi"/>) needs beside the hub's data: RFC 7807 problem details.</summary>
    public static IServiceCollection AddHubApi(this IServiceCollection services) => services.AddProblemDetails();
}
