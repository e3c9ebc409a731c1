"""The log-odds (LOD) that two samples come from the same individual, from genotype
likelihoods at shared sites: the model of Picard's CrosscheckFingerprints (Javed et al. 2020,
Nat Commun 11:3, "A fast and accurate method for detecting sample mix-ups", PMID:31896767),
written for the identity check (dna/identity.py), which needs it on the workflow's own site
counts (the genotyper's AD at germline and private sites, the panel's counted sites) rather
than on Picard's haplotype map and BAM pileup.

At a site with population allele frequency q, each sample's read counts give the likelihood
M(g) of its germline genotype g = 0, 1, 2 alt copies. A normal shows its germline: binomial
at allele fraction e, 0.5 or 1 - e (``error``, the genotyping error rate). A tumour or cfDNA
sample of purity p may have changed since the germline (Picard allows loss of
heterozygosity, LOSS_OF_HET_RATE; here the change is seen through the purity): a
heterozygous site that lost one allele (rate ``loh``) shows (1 - p)/2 or 1 - (1 - p)/2, a
homozygous one with a clonal somatic change at the site (rate ``somatic``) shows p/2 or
1 - p/2; an unknown purity counts as 1, the worst case (LOH then looks homozygous). Every
fraction's likelihood is scaled to a maximum of 1 and floored at e, so one site can never
say more than about log10(1/e). Then, with Hardy-Weinberg priors P(g) from q:

    same individual:       sum_g P(g) M_a(g) M_b(g)
    different individuals: (sum_g P(g) M_a(g)) (sum_g P(g) M_b(g))

and the pair's LOD is the sum over sites of log10(same / different): positive for one
person, negative for two, near 0 where the sites say little (few sites, or sites a change in
the tumour explains as well as another person does).
"""

import math

GENOTYPES = (0, 1, 2)


def germline_likelihoods(alt, depth, model, settings):
    """M(0), M(1), M(2) of ``alt`` alt reads out of ``depth``; ``model``: (changed, purity)
    of the sample (changed False: a normal; purity None: unknown); ``settings``: the
    identity settings (genotyping_error, loh_rate, somatic_rate)."""
    changed, purity = model
    e = settings["genotyping_error"]
    p = purity if purity else 1.0
    lost, gained = max(e, (1 - p) / 2), max(e, p / 2)
    fractions = (e, 0.5, 1 - e, lost, 1 - lost, gained, 1 - gained)
    logs = [alt * math.log(f) + (depth - alt) * math.log(1 - f) for f in fractions]
    top = max(logs)
    hom_ref, het, hom_alt, lost_alt, lost_ref, som, som_ref = (
        e + (1 - e) * math.exp(x - top) for x in logs
    )
    if not changed:
        return [hom_ref, het, hom_alt]
    loh, somatic = settings["loh_rate"], settings["somatic_rate"]
    return [
        (1 - somatic) * hom_ref + somatic * som,
        (1 - loh) * het + loh / 2 * (lost_alt + lost_ref),
        (1 - somatic) * hom_alt + somatic * som_ref,
    ]


def priors(q):
    return [(1 - q) ** 2, 2 * q * (1 - q), q**2]


def site_lod(reads_a, reads_b, q, models, settings):
    """log10(same / different) at one site: ``reads_*`` (alt, depth) of the two samples,
    ``models`` their (changed, purity), ``q`` the site's alt allele frequency."""
    m_a = germline_likelihoods(*reads_a, models[0], settings)
    m_b = germline_likelihoods(*reads_b, models[1], settings)
    p = priors(q)
    same = sum(p[g] * m_a[g] * m_b[g] for g in GENOTYPES)
    different = sum(p[g] * m_a[g] for g in GENOTYPES) * sum(p[g] * m_b[g] for g in GENOTYPES)
    return math.log10(same / different)
