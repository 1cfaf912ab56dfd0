using System.Diagnostics.CodeAnalysis;
using System.Text.Json;

namespace EdgeMlops.Contracts;

/// <summary>
/// The <c>"outbox"</c> property of a device's <see cref="DesiredState"/>, written by the hub when an operator clears a
/// <c>cloned-device</c> condition: the box whose outbox is still in epoch <paramref name="NewEpochAfter"/> starts a new
/// epoch, so its records no longer share (device, epoch, seq) keys with the clone's. A box already in another epoch
/// ignores it, which makes the instruction safe to keep retained.
/// </summary>
/// <param name="NewEpochAfter">The epoch to leave (positive).</param>
public sealed record DesiredOutbox(long NewEpochAfter)
{
    /// <summary>The key of this property in <see cref="DesiredState.Properties"/>.</summary>
    public const string PropertyName = "outbox";

    private const string NewEpochAfterName = "newEpochAfter";

    /// <summary>This instruction as a desired-state property value: <c>{"newEpochAfter": epoch}</c>.</summary>
    public JsonElement ToProperty()
    {
        using var document = JsonDocument.Parse($"{{\"{NewEpochAfterName}\":{NewEpochAfter}}}");
        return document.RootElement.Clone();
    }

    /// <summary>
    /// Reads the <c>"outbox"</c> property of <paramref name="state"/>. False with a null problem when the state has no
    /// such property; false with the problem when it is there but malformed.
    /// </summary>
    public static bool TryRead(DesiredState state, [NotNullWhen(true)] out DesiredOutbox? outbox, out string? problem)
    {
        outbox = null;
        problem = null;
        if (state.Properties is null || !state.Properties.TryGetValue(PropertyName, out var element))
            return false;
        if (element.ValueKind != JsonValueKind.Object
            || !element.TryGetProperty(NewEpochAfterName, out var epoch)
            || epoch.ValueKind != JsonValueKind.Number
            || !epoch.TryGetInt64(out var value))
        {
            problem = $"{PropertyName} must be an object with an integer {NewEpochAfterName}";
            return false;
        }
        if (value <= 0)
        {
            problem = $"{PropertyName}.{NewEpochAfterName} must be positive, got {value}";
            return false;
        }
        outbox = new DesiredOutbox(value);
        return true;
    }
}
