using Dapper;
using Leitstand.Auth;
using Leitstand.Leads;

namespace Leitstand.Privacy;

/// <summary>
/// A person objects to being contacted (Art. 21 DSGVO), named by e-mail or by handle and channel: stored as keyed
/// hashes only (<see cref="ObjectionHashes"/>, public.objections), and at once, in the same transaction, every lead
/// with that e-mail or handle is stopped (public.stop_lead_contact: open tasks cancelled, the lead out of the sequence
/// to LOST with the reason code "widerspruch"). The plain values are used for that lookup only and never stored.
/// An objection already recorded is named again, not doubled. Runs as the team member (RLS).
/// </summary>
public sealed class RecordObjection(TeamDatabase db, ObjectionHashes hashes)
{
    public const string LostReason = "widerspruch";
    public const string CancelReason = "Widerspruch (Art. 21 DSGVO)";

    /// <summary>The body of <c>POST /api/objections</c>.</summary>
    public sealed record Request(string? Email, string? Handle, string? Channel);

    /// <summary>Normalised as a lead stores them: the e-mail, and the channel with its handle.</summary>
    public sealed record Person(string? Email, string? Channel, string? Handle);

    private const string Sql = """
        with input as (
          select 'email'::text as kind, @EmailHash::bytea as hash where @EmailHash::bytea is not null
          union all
          select 'handle'::text, @HandleHash::bytea where @HandleHash::bytea is not null
        ), recorded as (
          insert into public.objections (kind, hash, created_by)
          select i.kind, i.hash, coalesce((select auth.uid())::text, session_user) from input i
          on conflict (kind, hash) where lifted_at is null do nothing
          returning id, kind, created_at
        )
        select r.id, r.kind, r.created_at as createdat, false as alreadyrecorded from recorded r
        union all
        select o.id, o.kind, o.created_at, true from public.objections o
        join input i on i.kind = o.kind and i.hash = o.hash
        where o.lifted_at is null;

        select s.leads_stopped as leadsstopped, s.tasks_cancelled as taskscancelled
        from public.stop_lead_contact(
          array(select l.id from public.leads l
                where l.email = @Email or (l.handle_channel = @Channel and l.handle = @Handle)),
          @LostReason, @CancelReason) s;
        """;

    /// <summary>The request as a <see cref="Person"/>, or problems per field (German): neither given, a malformed value, a handle without channel.</summary>
    public static (Person? Person, IReadOnlyDictionary<string, string[]> Errors) Validate(Request request)
    {
        var errors = new Dictionary<string, string[]>(StringComparer.Ordinal);
        var email = LeadValidator.NormaliseEmail(request.Email);
        var rawHandle = LeadValidator.NormaliseText(request.Handle);
        var channel = LeadValidator.NormaliseText(request.Channel)?.ToLowerInvariant();
        if (email is null && rawHandle is null && channel is null)
        {
            const string neither = "Bitte eine E-Mail-Adresse oder einen Handle mit Kanal angeben.";
            return (null, new Dictionary<string, string[]> { ["email"] = [neither], ["handle"] = [neither] });
        }
        if (email is not null && (email.Length > LeadValidator.EmailMax || !LeadValidator.IsPlausibleEmail(email)))
            errors["email"] = ["Bitte eine gültige E-Mail-Adresse angeben, z. B. name@firma.de."];

        string? handle = null;
        if (channel is not null && !ProspectValidator.Channels.Contains(channel))
            errors["channel"] = ["Unbekannter Kanal. Erlaubt: instagram, x, linkedin, other."];
        else if (channel is null && rawHandle is not null)
            errors["channel"] = ["Bitte den Kanal zum Handle angeben: instagram, x, linkedin oder other."];
        else if (channel is not null && rawHandle is null)
            errors["handle"] = [$"Bitte den Handle für {channel} angeben (Name oder Profil-URL)."];
        else if (channel is not null)
        {
            var (value, error) = ProspectValidator.NormaliseHandle(rawHandle!, channel);
            if (error is not null) errors["handle"] = [error];
            handle = value;
        }
        return errors.Count > 0 ? (null, errors) : (new Person(email, handle is null ? null : channel, handle), errors);
    }

    public async Task<ObjectionRecorded> ExecuteAsync(TeamUser user, Person person, CancellationToken ct)
    {
        var (emailHash, handleHash) = hashes.Of(person.Email, person.Channel, person.Handle);
        await using var team = await db.BeginAsync(user, ct);
        using var results = await team.Connection.QueryMultipleAsync(new CommandDefinition(Sql, new
        {
            EmailHash = emailHash, HandleHash = handleHash, person.Email, person.Channel, person.Handle, LostReason, CancelReason,
        }, team.Transaction, cancellationToken: ct));
        var objections = (await results.ReadAsync<RecordedObjection>()).OrderBy(o => o.Kind, StringComparer.Ordinal).ToList();
        var stopped = await results.ReadSingleAsync<Stopped>();
        await team.CommitAsync(ct);
        return new ObjectionRecorded(objections, stopped.LeadsStopped, stopped.TasksCancelled);
    }

    private sealed record Stopped(int LeadsStopped, int TasksCancelled);
}

/// <summary>One objection as recorded (no personal data: its kind and when). <see cref="AlreadyRecorded"/>: it existed before.</summary>
public sealed record RecordedObjection(Guid Id, string Kind, DateTime CreatedAt, bool AlreadyRecorded);

/// <summary>The objections (one per e-mail or handle given) and what was stopped: the matching leads and their cancelled tasks.</summary>
public sealed record ObjectionRecorded(IReadOnlyList<RecordedObjection> Objections, int LeadsStopped, int TasksCancelled);
