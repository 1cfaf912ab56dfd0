namespace EdgeMlops.Synthetic.Conditions;

/// <summary>Imaging conditions that shift a camera's domain away from clear daylight.</summary>
public enum ConditionKind
{
    /// <summary>Clear daylight: the reference domain, rendered without any effect.</summary>
    Day,
    /// <summary>Low warm light, lamps starting to glow.</summary>
    Dusk,
    /// <summary>Dark frame, glowing head and tail lights, strong sensor noise.</summary>
    Night,
    /// <summary>Streaks, blur and darkening.</summary>
    Rain,
    /// <summary>Contrast loss towards grey-white, stronger with distance (towards the top of the frame).</summary>
    Fog,
}
