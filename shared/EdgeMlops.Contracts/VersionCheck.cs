using System.Text.Json;

namespace EdgeMlops.Contracts;

/// <summary>
/// Finds a payload's <c>"v"</c> before the payload is deserialized: a newer version may have a shape this build would
/// misreport as malformed, and the honest reason is "unsupported version".
/// </summary>
internal static class VersionCheck
{
    public static PayloadRejection? Inspect(ReadOnlySpan<byte> utf8Json)
    {
        var reader = new Utf8JsonReader(utf8Json);
        try
        {
            if (!reader.Read() || reader.TokenType != JsonTokenType.StartObject)
                return NotAnObject();
            while (reader.Read() && reader.TokenType == JsonTokenType.PropertyName)
            {
                var isVersion = reader.ValueTextEquals("v"u8);
                reader.Read();
                if (isVersion)
                    return reader.TokenType == JsonTokenType.Number && reader.TryGetInt32(out var version)
                        ? Supported(version)
                        : NotAnInteger();
                reader.Skip();
            }
            return Missing();
        }
        catch (JsonException e)
        {
            return ContractReader.Malformed(e);
        }
        catch (InvalidOperationException)
        {
            // Comparing a name unescapes it, and an escaped unpaired surrogate cannot be unescaped.
            return InvalidName();
        }
    }

    public static PayloadRejection? Inspect(JsonElement payload)
    {
        if (payload.ValueKind != JsonValueKind.Object)
            return NotAnObject();
        JsonElement version;
        try
        {
            if (!payload.TryGetProperty("v", out version))
                return Missing();
        }
        catch (InvalidOperationException)
        {
            return InvalidName();
        }
        return version.ValueKind == JsonValueKind.Number && version.TryGetInt32(out var number)
            ? Supported(number)
            : NotAnInteger();
    }

    private static PayloadRejection? Supported(int version) => version == ContractVersion.Current
        ? null
        : new PayloadRejection(RejectionKind.UnsupportedVersion,
            $"message version {version} is not supported; this build reads version {ContractVersion.Current}");

    private static PayloadRejection InvalidName() =>
        new(RejectionKind.Malformed, "a property name is not valid text: it escapes an unpaired surrogate (\\uD800-\\uDFFF)");

    private static PayloadRejection NotAnObject() => new(RejectionKind.Malformed, "the payload is not a JSON object");

    private static PayloadRejection Missing() => new(RejectionKind.Malformed, "the payload has no version property 'v'");

    private static PayloadRejection NotAnInteger() => new(RejectionKind.Malformed, "the version property 'v' is not an integer");
}
