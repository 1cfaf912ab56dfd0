using System.Text.Json;
using System.Diagnostics.CodeAnalysis;

namespace EdgeMlops.Contracts;

/// <summary>
/// The <c>"model"</c> property of a device's <see cref="DesiredState"/>, written by the hub's rollout: which model
/// version the device should serve, where to fetch it, and optionally a challenger to run in shadow beside it.
/// </summary>
/// <param name="Name">Model name, e.g. <c>vehicle-classifier</c>.</param>
/// <param name="Version">The version to serve.</param>
/// <param name="ManifestSha256">SHA-256 (lowercase hex) of the fleet-signed <c>manifest.json</c> the hub serves for this version: the box refuses any other.</param>
/// <param name="Source">Absolute base URL of the hub's device download API (<see cref="ModelDownloadPaths"/> builds the rest).</param>
/// <param name="RolloutId">The rollout that asked for this version; absent for a manual assignment.</param>
/// <param name="ProbationSeconds">How long the box watches the new version after activation before it counts as healthy; absent: the box's own default.</param>
/// <param name="Challenger">A version to run in shadow on a share of crops, never producing events; absent: no shadow.</param>
public sealed record DesiredModel(
    string Name,
    string Version,
    string ManifestSha256,
    string Source,
    string? RolloutId = null,
    int? ProbationSeconds = null,
    DesiredChallenger? Challenger = null)
{
    /// <summary>The key of this property in <see cref="DesiredState.Properties"/>.</summary>
    public const string PropertyName = "model";

    /// <summary>This model as a desired-state property value.</summary>
    public JsonElement ToProperty() => JsonSerializer.SerializeToElement(this, ContractsJsonContext.Default.DesiredModel);

    /// <summary>
    /// Reads the <c>"model"</c> property of <paramref name="state"/>. False with a null problem when the state has no
    /// such property; false with the problem when it is there but malformed.
    /// </summary>
    public static bool TryRead(DesiredState state, [NotNullWhen(true)] out DesiredModel? model, out string? problem)
    {
        model = null;
        problem = null;
        if (state.Properties is null || !state.Properties.TryGetValue(PropertyName, out var element))
            return false;
        try
        {
            model = element.Deserialize(ContractsJsonContext.Default.DesiredModel);
        }
        catch (JsonException e)
        {
            problem = $"{PropertyName}: {e.Message}";
            return false;
        }
        problem = model is null ? $"{PropertyName} is null" : ContractValidator.FindProblem(model);
        if (problem is null && model is not null)
            return true;
        model = null;
        return false;
    }
}

/// <summary>A challenger model run in shadow beside the served one (champion/challenger).</summary>
/// <param name="Name">Model name.</param>
/// <param name="Version">Version.</param>
/// <param name="ManifestSha256">SHA-256 of its fleet-signed manifest.</param>
/// <param name="Share">Fraction of crops (0 to 1] the challenger also classifies.</param>
public sealed record DesiredChallenger(string Name, string Version, string ManifestSha256, double Share);

/// <summary>
/// The device download API's paths, relative to <see cref="DesiredModel.Source"/>. A device authenticates with HTTP
/// Basic (its device id and MQTT secret) and may fetch only the versions its desired state names. File downloads
/// honour <c>Range</c>, so an interrupted download resumes.
/// </summary>
public static class ModelDownloadPaths
{
    /// <summary>Route prefix of the device download API.</summary>
    public const string Prefix = "/device/v1/models";

    /// <summary>The fleet-signed manifest of a version.</summary>
    public static string Manifest(string name, string version) =>
        $"{Prefix}/{Uri.EscapeDataString(name)}/{Uri.EscapeDataString(version)}/manifest";

    /// <summary>One file of a version, by the SHA-256 the manifest lists for it (content-addressed, so a box can cache it).</summary>
    public static string File(string name, string version, string sha256) =>
        $"{Prefix}/{Uri.EscapeDataString(name)}/{Uri.EscapeDataString(version)}/files/{sha256}";
}
