using EdgeMlops.Synthetic.Conditions;
using EdgeMlops.Synthetic.Vehicles;
using OpenCvSharp;

namespace EdgeMlops.Synthetic.Crops;

/// <summary>A square vehicle crop with its class and the condition it was rendered under. Owns <see cref="Image"/>.</summary>
public sealed class LabelledCrop(string id, VehicleClass vehicleClass, Condition condition, Mat image, Rect2d box) : IDisposable
{
    /// <summary>Stable identifier, safe as a file name: <c>label-condition-seed[-index]</c>.</summary>
    public string Id => id;

    /// <summary>The vehicle's class.</summary>
    public VehicleClass Class => vehicleClass;

    /// <summary>The class label (<see cref="VehicleClasses.Labels"/>).</summary>
    public string Label => vehicleClass.ToLabel();

    /// <summary>Condition the crop was rendered under.</summary>
    public Condition Condition => condition;

    /// <summary>8-bit BGR square image.</summary>
    public Mat Image => image;

    /// <summary>
    /// The (jittered) vehicle box the crop was cut around, in crop pixels: what a region proposal would have
    /// reported. Centred unless the square had to be shifted to stay inside the frame.
    /// </summary>
    public Rect2d Box => box;

    /// <summary>Releases the image.</summary>
    public void Dispose() => image.Dispose();
}
