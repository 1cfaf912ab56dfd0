using Microsoft.Extensions.Options;

namespace EdgeMlops.CloudHub.Storage;

/// <summary>Refuses store options the hub cannot start with, naming the configuration key.</summary>
public sealed class HubStoreOptionsValidator : IValidateOptions<HubStoreOptions>
{
    public ValidateOptionsResult Validate(string? name, HubStoreOptions options)
    {
        var failures = new List<string>();
        var key = HubStoreOptions.SectionName;
        if (string.IsNullOrWhiteSpace(options.Path))
            failures.Add($"{key}:Path must name the hub database file.");
        else if (options.Path.IndexOfAny(System.IO.Path.GetInvalidPathChars()) >= 0 || Directory.Exists(options.Path))
            failures.Add($"{key}:Path '{options.Path}' is not a usable file path.");
        if (options.SamplesDirectory is { } samples && (samples.Length == 0 || samples.IndexOfAny(System.IO.Path.GetInvalidPathChars()) >= 0 || File.Exists(samples)))
            failures.Add($"{key}:SamplesDirectory '{samples}' is not a usable directory path.");
        if (options.SampleBytesPerHourPerDevice <= 0)
            failures.Add($"{key}:SampleBytesPerHourPerDevice must be positive, got {options.SampleBytesPerHourPerDevice}.");
        if (options.StoredSampleBytesPerDevice <= 0)
            failures.Add($"{key}:StoredSampleBytesPerDevice must be positive, got {options.StoredSampleBytesPerDevice}.");
        if (!Enum.IsDefined(options.Synchronous))
            failures.Add($"{key}:Synchronous must be Normal or Full, got '{options.Synchronous}'.");
        return failures.Count == 0 ? ValidateOptionsResult.Success : ValidateOptionsResult.Fail(failures);
    }
}
