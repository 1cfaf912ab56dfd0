using Microsoft.Extensions.Options;

namespace EdgeMlops.EdgeAgent.Sync;

/// <summary>Lets the host refuse to start on bad <see cref="SyncOptions"/>, listing every problem.</summary>
internal sealed class SyncOptionsValidator : IValidateOptions<SyncOptions>
{
    public ValidateOptionsResult Validate(string? name, SyncOptions options) =>
        options.FindProblems() is { Count: > 0 } problems ? ValidateOptionsResult.Fail(problems) : ValidateOptionsResult.Success;
}
