namespace GpuPRelu.Experiments;

/// <summary>Runs the phases of a study in order on one state: the fig2/fig5, mnist and probe verbs and each batch of a
/// sweep go through here, so a new phase is one entry of a phase list (StudyPhases, RealExperiment). Before each phase
/// the cancellation token is checked; after it, `endPhase` hears its name (the manifest's phase timing).</summary>
public static class StudyPipeline
{
    /// <summary>Runs `phases` in order on `state`.</summary>
    public static void Run<TState>(IEnumerable<StudyPhase<TState>> phases, TState state, Action<string>? endPhase,
        CancellationToken cancel)
    {
        ArgumentNullException.ThrowIfNull(phases);
        foreach (var phase in phases)
        {
            cancel.ThrowIfCancellationRequested();
            phase.Run(state);
            endPhase?.Invoke(phase.Name);
        }
    }
}
