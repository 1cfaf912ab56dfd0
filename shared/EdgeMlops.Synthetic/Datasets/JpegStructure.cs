namespace EdgeMlops.Synthetic.Datasets;

/// <summary>
/// Walks a JPEG's marker segments to its end-of-image marker. Needed because libjpeg decodes a truncated file
/// "successfully", padding the missing rows with grey, which would feed a classifier half an image.
/// </summary>
internal static class JpegStructure
{
    public static bool HasJpegSignature(ReadOnlySpan<byte> data) => data.Length >= 2 && data[0] == 0xFF && data[1] == 0xD8;

    /// <summary>Null when the structure is complete, otherwise the problem.</summary>
    public static string? Problem(ReadOnlySpan<byte> data)
    {
        const string truncated = "truncated JPEG (data ends before the end-of-image marker)";
        int i = 2;
        while (true)
        {
            if (i >= data.Length)
                return truncated;
            if (data[i] != 0xFF)
                return $"corrupt JPEG (expected a marker at byte {i})";
            while (i < data.Length && data[i] == 0xFF)
                i++;
            if (i >= data.Length)
                return truncated;
            byte marker = data[i++];
            if (marker == 0xD9)
                return null;
            if (marker == 0x01 || marker is >= 0xD0 and <= 0xD7)
                continue;
            if (i + 2 > data.Length)
                return truncated;
            int length = data[i] << 8 | data[i + 1];
            if (length < 2)
                return $"corrupt JPEG (segment length {length} at byte {i})";
            i += length;
            if (marker == 0xDA)
            {
                i = SkipEntropyCodedData(data, i);
                if (i < 0)
                    return truncated;
            }
        }
    }

    /// <summary>Index of the marker after the scan, or -1 when the data ends first.</summary>
    private static int SkipEntropyCodedData(ReadOnlySpan<byte> data, int i)
    {
        while (i < data.Length)
        {
            if (data[i] != 0xFF)
            {
                i++;
                continue;
            }
            if (i + 1 >= data.Length)
                return -1;
            byte next = data[i + 1];
            // FF00 is a stuffed data byte and FFD0-FFD7 are restart markers: both belong to the scan.
            if (next == 0x00 || next is >= 0xD0 and <= 0xD7)
            {
                i += 2;
                continue;
            }
            return i;
        }
        return -1;
    }
}
