using OpenCvSharp;

namespace EdgeMlops.EdgeAgent.Monitoring;

/// <summary>Brightness and contrast of a crop the classifier was given: mean and standard deviation of its luma (0..255).</summary>
internal static class CropLuma
{
    public static (double Mean, double StdDev) Of(Mat crop)
    {
        if (crop.Empty()) return (0, 0);
        if (crop.Channels() == 1)
        {
            Cv2.MeanStdDev(crop, out var m, out var s);
            return (m.Val0, s.Val0);
        }
        using var gray = new Mat();
        Cv2.CvtColor(crop, gray, crop.Channels() == 4 ? ColorConversionCodes.BGRA2GRAY : ColorConversionCodes.BGR2GRAY);
        Cv2.MeanStdDev(gray, out var mean, out var stdDev);
        return (mean.Val0, stdDev.Val0);
    }
}
