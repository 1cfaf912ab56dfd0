using OpenCvSharp;

namespace EdgeMlops.Synthetic.Datasets;

/// <summary>Reads and decodes one image file, turning every way it can fail into a <see cref="DatasetImageException"/>.</summary>
internal static class ImageFileDecoder
{
    public static Mat Decode(string path)
    {
        byte[] bytes;
        try
        {
            // Reading the bytes ourselves (rather than Cv2.ImRead, which only returns an empty Mat) tells a
            // missing or forbidden file apart from a corrupt one.
            bytes = File.ReadAllBytes(path);
        }
        catch (UnauthorizedAccessException e)
        {
            throw new DatasetImageException(path, "permission denied", e);
        }
        catch (FileNotFoundException e)
        {
            throw new DatasetImageException(path, "file not found (removed, or a dangling link)", e);
        }
        catch (IOException e)
        {
            throw new DatasetImageException(path, $"read error: {e.Message}", e);
        }

        if (bytes.Length == 0)
            throw new DatasetImageException(path, "file is empty (0 bytes)");
        if (JpegStructure.HasJpegSignature(bytes) && JpegStructure.Problem(bytes) is { } problem)
            throw new DatasetImageException(path, problem);

        var image = Cv2.ImDecode(bytes, ImreadModes.Color);
        if (image.Empty())
        {
            image.Dispose();
            throw new DatasetImageException(path, $"not a decodable image ({bytes.Length} bytes of unknown format or corrupt data)");
        }
        return image;
    }
}
