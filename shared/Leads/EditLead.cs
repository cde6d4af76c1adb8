using System.Text.Json;
using Dapper;
using Leitstand.Auth;
using Leitstand.Privacy;
using Npgsql;

namespace Leitstand.Leads;

/// <summary>
/// The team corrects a lead's contact data (a typo in the name, the e-mail a prospect gave in the chat, the handle
/// of another channel). Only the fields named change; they are checked by the rules a new prospect is checked by
/// (<see cref="ProspectValidator.ValidateContact"/>) on the lead as it would be afterwards. The edit names the
/// version it read (<see cref="LeadDetail.Version"/>): compare-and-set on leads.version, so a correction someone
/// else saved in between is never overwritten (stale → nothing changed). The version counts changes of the
/// contact data only (trigger leads_touch); a stage move in between does not make an edit stale. A new e-mail or
/// handle of a person who objected (Art. 21 DSGVO, public.objections) is refused at its field.
/// </summary>
public sealed class EditLead(TeamDatabase db, ObjectionHashes objections)
{
    /// <summary>The fields an edit may change (JSON names).</summary>
    public static readonly IReadOnlyList<string> Fields = ["name", "company", "email", "phone", "handle", "handle_channel"];

    private const string CurrentSql = """
        select l.name, l.company, l.email, l.phone, l.handle, l.handle_channel as handlechannel, l.version
        from public.leads l where l.id = @LeadId
        """;

    // Compare-and-set: only the version the edit was made on.
    private const string UpdateSql = """
        update public.leads l set name = @Name, company = @Company, email = @Email, phone = @Phone, handle = @Handle, handle_channel = @HandleChannel
        where l.id = @LeadId and l.version = @Version
        returning l.version
        """;

    // The lead that holds the e-mail or the handle the edit wanted, the e-mail first.
    private const string OwnerSql = """
        select l.id, case when coalesce(l.email = @Email, false) then 'email' else 'handle' end as field
        from public.leads l
        where l.id <> @LeadId and (l.email = @Email or (l.handle_channel = @HandleChannel and l.handle = @Handle))
        order by coalesce(l.email = @Email, false) desc
        limit 1
        """;

    /// <summary>What to change: the version the edit was made on and the fields named (a null value clears a field).</summary>
    public sealed record Patch(int Version, IReadOnlyDictionary<string, string?> Changes);

    /// <summary>
    /// The body of <c>PATCH /api/leads/{id}</c> as a <see cref="Patch"/>, or problems per field (German): a field the
    /// edit does not know, a value that is not text or null, a missing or malformed version, nothing to change.
    /// </summary>
    public static (Patch? Patch, IReadOnlyDictionary<string, string[]> Errors) Parse(JsonElement body)
    {
        var errors = new Dictionary<string, string[]>(StringComparer.Ordinal);
        if (body.ValueKind != JsonValueKind.Object)
            return (null, new Dictionary<string, string[]> { ["body"] = ["Erwartet wird ein JSON-Objekt."] });

        int? version = null;
        var changes = new Dictionary<string, string?>(StringComparer.Ordinal);
        foreach (var property in body.EnumerateObject())
        {
            var name = property.Name;
            var value = property.Value;
            if (name == "version")
            {
                if (value.ValueKind == JsonValueKind.Number && value.TryGetInt32(out var v) && v > 0) version = v;
                else errors["version"] = ["Erwartet wird die Versionsnummer (Ganzzahl) aus GET /api/leads/{id}."];
            }
            else if (!Fields.Contains(name))
                errors[name] = [$"Dieses Feld gibt es nicht oder es ist nicht änderbar. Änderbar: {string.Join(", ", Fields)}."];
            else if (changes.ContainsKey(name))
                errors[name] = ["Dieses Feld steht doppelt im Inhalt."];
            else if (value.ValueKind is JsonValueKind.String or JsonValueKind.Null)
                changes[name] = value.ValueKind == JsonValueKind.Null ? null : value.GetString();
            else
                errors[name] = ["Erwartet wird Text (oder null, um das Feld zu leeren)."];
        }
        if (version is null && !errors.ContainsKey("version"))
            errors["version"] = ["Bitte die Version angeben, die die Ansicht geladen hat (version aus GET /api/leads/{id})."];
        if (changes.Count == 0 && errors.Count == 0)
            errors["body"] = [$"Nichts zu ändern. Änderbar: {string.Join(", ", Fields)}."];
        return errors.Count > 0 ? (null, errors) : (new Patch(version!.Value, changes), errors);
    }

    /// <summary>Runs as <paramref name="user"/> (RLS: team members only), one transaction.</summary>
    public async Task<EditLeadResult> ExecuteAsync(TeamUser user, Guid leadId, Patch patch, CancellationToken ct)
    {
        ContactFields contact;
        await using (var team = await db.BeginAsync(user, ct))
        {
            var current = await team.Connection.QuerySingleOrDefaultAsync<Current>(new CommandDefinition(CurrentSql, new { LeadId = leadId },
                team.Transaction, cancellationToken: ct));
            if (current is null) return new EditLeadResult.NotFound();
            if (current.Version != patch.Version) return new EditLeadResult.Stale(current.Version);

            string? Value(string field, string? now) => patch.Changes.TryGetValue(field, out var changed) ? changed : now;
            var errors = new Dictionary<string, List<string>>(StringComparer.Ordinal);
            contact = ProspectValidator.ValidateContact(Value("name", current.Name), Value("email", current.Email), Value("handle", current.Handle),
                Value("handle_channel", current.HandleChannel), Value("company", current.Company), Value("phone", current.Phone),
                (field, message) => (errors.TryGetValue(field, out var list) ? list : errors[field] = []).Add(message));
            if (errors.Count > 0) return new EditLeadResult.Invalid(errors.ToDictionary(e => e.Key, e => e.Value.ToArray()));

            // Only what the edit changes: the lead's own e-mail may be objected to already (it was stopped then).
            var newEmail = contact.Email is not null && contact.Email != current.Email ? contact.Email : null;
            var newHandle = contact.Handle is not null && (contact.Handle, contact.HandleChannel) != (current.Handle, current.HandleChannel);
            var (emailHash, handleHash) = objections.Of(newEmail, newHandle ? contact.HandleChannel : null, newHandle ? contact.Handle : null);
            var objected = await ObjectionHashes.ActiveAsync(team.Connection, team.Transaction, emailHash, handleHash, ct);
            if (objected.Count > 0)
                return new EditLeadResult.Invalid(objected.ToDictionary(kind => kind == "email" ? "email" : "handle", _ => new[] { ObjectionHashes.RefusalMessage }));

            try
            {
                var version = await team.Connection.QuerySingleOrDefaultAsync<int?>(new CommandDefinition(UpdateSql, new
                {
                    LeadId = leadId, patch.Version, contact.Name, contact.Company, contact.Email, contact.Phone, contact.Handle, contact.HandleChannel,
                }, team.Transaction, cancellationToken: ct));
                if (version is { } saved)
                {
                    await team.CommitAsync(ct);
                    return new EditLeadResult.Edited(new EditedLead(leadId, saved, contact.Name!, contact.Company, contact.Email, contact.Phone,
                        contact.Handle, contact.HandleChannel));
                }
            }
            catch (PostgresException ex) when (ex.SqlState == PostgresErrorCodes.UniqueViolation
                                               && ex.ConstraintName is "leads_email_key" or "leads_handle_key")
            {
                // rolled back with the transaction; who holds the e-mail or handle is read below
            }
        }

        // Either the row changed between the read and the update (a new statement sees the current version) or the
        // e-mail or handle belongs to another lead.
        await using (var team = await db.BeginAsync(user, ct))
        {
            var now = await team.Connection.QuerySingleOrDefaultAsync<Current>(new CommandDefinition(CurrentSql, new { LeadId = leadId },
                team.Transaction, cancellationToken: ct));
            var owner = await team.Connection.QuerySingleOrDefaultAsync<Owner>(new CommandDefinition(OwnerSql, new
            {
                LeadId = leadId, contact.Email, contact.HandleChannel, contact.Handle,
            }, team.Transaction, cancellationToken: ct));
            await team.CommitAsync(ct);
            if (now is null) return new EditLeadResult.NotFound();
            if (now.Version != patch.Version) return new EditLeadResult.Stale(now.Version);
            if (owner is not null) return new EditLeadResult.Duplicate(owner.Id, owner.Field);
            throw new InvalidOperationException("The lead edit changed no row, yet the lead is unchanged and nothing is in its way.");
        }
    }

    private sealed record Owner(Guid Id, string Field);

    private sealed record Current(string Name, string? Company, string? Email, string? Phone, string? Handle, string? HandleChannel, int Version);
}

/// <summary>The lead's contact data as saved, with its new version.</summary>
public sealed record EditedLead(Guid Id, int Version, string Name, string? Company, string? Email, string? Phone, string? Handle, string? HandleChannel);

public abstract record EditLeadResult
{
    public sealed record Edited(EditedLead Lead) : EditLeadResult;

    public sealed record NotFound : EditLeadResult;

    /// <summary>Someone changed the contact data since the edit's version was read: it is <paramref name="CurrentVersion"/> now; nothing was changed.</summary>
    public sealed record Stale(int CurrentVersion) : EditLeadResult;

    /// <summary>The lead as it would be afterwards breaks a rule: problems per field (German); nothing was changed.</summary>
    public sealed record Invalid(IReadOnlyDictionary<string, string[]> Errors) : EditLeadResult;

    /// <summary>The e-mail or handle (<paramref name="Field"/>) belongs to <paramref name="ExistingLeadId"/>; nothing was changed.</summary>
    public sealed record Duplicate(Guid ExistingLeadId, string Field) : EditLeadResult;
}
