using OpenCvSharp;

namespace EdgeMlops.Synthetic.Conditions;

/// <summary>Which way a lamp shines; decides its glow colour in low light.</summary>
public enum LampKind
{
    /// <summary>White-yellow headlight.</summary>
    Head,
    /// <summary>Red tail light.</summary>
    Tail,
}

/// <summary>A vehicle lamp in image coordinates, so low-light conditions can make it glow where it is drawn.</summary>
/// <param name="Position">Centre of the lamp in pixels.</param>
/// <param name="Radius">Radius of the lamp in pixels (grows the glow with the vehicle's scale).</param>
/// <param name="Kind">Head or tail light.</param>
public readonly record struct LampLight(Point2f Position, float Radius, LampKind Kind);
