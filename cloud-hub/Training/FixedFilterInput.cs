using EdgeMlops.Packaging;

namespace EdgeMlops.CloudHub.Training;

/// <summary>The input the fixed-filter backbones take: square RGB crops, NCHW, scaled to [0, 1] without mean or std.</summary>
public static class FixedFilterInput
{
    public static ModelInputSpec Spec(string tensorName, int size) => new()
    {
        TensorName = tensorName,
        Width = size,
        Height = size,
        Channels = 3,
        Layout = TensorLayout.Nchw,
        ColorOrder = ColorOrder.Rgb,
        Scale = 1.0 / 255,
        Mean = [0, 0, 0],
        Std = [1, 1, 1],
    };
}
