using Microsoft.Extensions.Options;

namespace EdgeMlops.EdgeAgent.Telemetry;

/// <summary>Lets the host refuse to start on bad <see cref="EdgeStoreOptions"/>, listing every problem.</summary>
internal sealed class EdgeStoreOptionsValidator : IValidateOptions<EdgeStoreOptions>
{
    public ValidateOptionsResult Validate(string? name, EdgeStoreOptions options) =>
        options.FindProblems() is { Count: > 0 } problems ? ValidateOptionsResult.Fail(problems) : ValidateOptionsResult.Success;
}
