using System.Buffers.Binary;
using System.Diagnostics.CodeAnalysis;
using System.Text.Json;

namespace EdgeMlops.Contracts;

/// <summary>
/// The payload of the samples topic: a 4-byte big-endian length, that many bytes of <see cref="SampleHeader"/> JSON,
/// then the JPEG. Binary, so a crop does not grow by a third as base64 inside JSON.
/// </summary>
public static class SampleFrame
{
    private const int LengthPrefixBytes = 4;

    /// <summary>Frames <paramref name="header"/> and <paramref name="jpeg"/> as one payload.</summary>
    public static byte[] Write(SampleHeader header, ReadOnlySpan<byte> jpeg)
    {
        var json = JsonSerializer.SerializeToUtf8Bytes(header, ContractsJsonContext.Default.SampleHeader);
        var frame = new byte[LengthPrefixBytes + json.Length + jpeg.Length];
        BinaryPrimitives.WriteInt32BigEndian(frame, json.Length);
        json.CopyTo(frame.AsSpan(LengthPrefixBytes));
        jpeg.CopyTo(frame.AsSpan(LengthPrefixBytes + json.Length));
        return frame;
    }

    /// <summary>
    /// Takes a payload apart. Refuses (never throws) a payload whose size is over <see cref="PayloadLimits.SampleBytes"/>,
    /// whose length prefix does not fit, whose header is not a valid <see cref="SampleHeader"/>, or whose image is not a JPEG.
    /// </summary>
    public static bool TryRead(ReadOnlyMemory<byte> payload,
        [NotNullWhen(true)] out SampleHeader? header, out ReadOnlyMemory<byte> jpeg, [NotNullWhen(false)] out PayloadRejection? rejection)
    {
        header = null;
        jpeg = default;
        rejection = PayloadLimits.Check(DeviceChannel.Samples, payload.Length);
        if (rejection is not null)
            return false;
        if (payload.Length < LengthPrefixBytes)
        {
            rejection = new PayloadRejection(RejectionKind.Malformed, $"the sample frame is {payload.Length} bytes, shorter than its length prefix");
            return false;
        }
        var headerLength = BinaryPrimitives.ReadInt32BigEndian(payload.Span);
        if (headerLength <= 0 || headerLength > payload.Length - LengthPrefixBytes)
        {
            rejection = new PayloadRejection(RejectionKind.Malformed,
                $"the sample frame's header length {headerLength} does not fit in its {payload.Length} bytes");
            return false;
        }
        if (!ContractReader.TryReadSampleHeader(payload.Span.Slice(LengthPrefixBytes, headerLength), out header, out rejection))
            return false;
        jpeg = payload[(LengthPrefixBytes + headerLength)..];
        if (!IsJpeg(jpeg.Span))
        {
            rejection = new PayloadRejection(RejectionKind.Invalid,
                $"sample seq {header.Seq}: the image after the header is not a JPEG ({WhyNotJpeg(jpeg.Span)})");
            header = null;
            jpeg = default;
            return false;
        }
        return true;
    }

    /// <summary>The start-of-image marker, the next marker's FF, and at least one byte of it.</summary>
    private static bool IsJpeg(ReadOnlySpan<byte> image) => image.Length > 3 && image[0] == 0xFF && image[1] == 0xD8 && image[2] == 0xFF;

    private static string WhyNotJpeg(ReadOnlySpan<byte> image) => image.Length <= 3
        ? $"{image.Length} bytes, too short for one"
        : $"{image.Length} bytes without the FF D8 FF signature";
}
