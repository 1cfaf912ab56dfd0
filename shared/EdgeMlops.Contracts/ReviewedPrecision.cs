using System.Diagnostics.CodeAnalysis;
using System.Text.Json;

namespace EdgeMlops.Contracts;

/// <summary>
/// The <c>"reviewedPrecision"</c> property of a device's <see cref="DesiredState"/>: precision measured at the hub from
/// operators' reviews of this device's samples, per camera, for the box to show on its status line and echo in its
/// <see cref="ReportedState.ReviewedPrecision"/>. It changes nothing the box does.
/// </summary>
/// <param name="Cameras">One figure per camera and model version reviewed.</param>
public sealed record ReviewedPrecision(IReadOnlyList<CameraReviewedPrecision> Cameras)
{
    /// <summary>The key of this property in <see cref="DesiredState.Properties"/>.</summary>
    public const string PropertyName = "reviewedPrecision";

    /// <summary>This value as a desired-state property value.</summary>
    public JsonElement ToProperty() => JsonSerializer.SerializeToElement(this, ContractsJsonContext.Default.ReviewedPrecision);

    /// <summary>Reads the property from <paramref name="state"/>; false with a null problem when absent, with the problem when malformed.</summary>
    public static bool TryRead(DesiredState state, [NotNullWhen(true)] out ReviewedPrecision? value, out string? problem)
    {
        value = null;
        problem = null;
        if (state.Properties is null || !state.Properties.TryGetValue(PropertyName, out var element))
            return false;
        try
        {
            value = element.Deserialize(ContractsJsonContext.Default.ReviewedPrecision);
        }
        catch (JsonException e)
        {
            problem = $"{PropertyName}: {e.Message}";
            return false;
        }
        problem = value is null ? $"{PropertyName} is null" : ContractValidator.FindProblem(value);
        if (problem is null && value is not null)
            return true;
        value = null;
        return false;
    }
}

/// <summary>Macro precision of one camera and model version from reviews, with its 95% Wilson interval.</summary>
/// <param name="CameraId">The camera.</param>
/// <param name="ModelVersion">The model version whose predictions were reviewed.</param>
/// <param name="Precision">Macro precision over the classes reviewed, 0..1.</param>
/// <param name="Lower">Lower bound of the interval.</param>
/// <param name="Upper">Upper bound of the interval.</param>
/// <param name="Samples">Reviewed samples behind the figure (unsure ones not counted).</param>
/// <param name="At">When the hub computed it.</param>
public sealed record CameraReviewedPrecision(string CameraId, string ModelVersion, double Precision, double Lower, double Upper, long Samples, DateTimeOffset At);
