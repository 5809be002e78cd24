"""Choose how a deployment's gallery is searched: exact, or an approximate FAISS index that is
switched on only if its recall@1 against exact search on the deployment's templates is high
enough (recognition/services/approximate.py)."""

from django.core.management.base import BaseCommand, CommandError

from governance.errors import DomainError
from governance.models import Deployment
from recognition.engine.approximate import KINDS, IndexConfig
from recognition.services.approximate import gallery_index_choose


class Command(BaseCommand):
    help = ("Measure an approximate gallery index against exact search and switch the "
            "deployment to it if its recall@1 meets FACEGOV_APPROX_MIN_RECALL (or back to "
            "exact).")

    def add_arguments(self, parser) -> None:  # type: ignore[no-untyped-def]
        parser.add_argument("deployment_id", type=int)
        parser.add_argument("kind", choices=KINDS)
        parser.add_argument("--nlist", type=int, default=1024)
        parser.add_argument("--nprobe", type=int, default=32)
        parser.add_argument("--m", type=int, default=32)
        parser.add_argument("--ef-search", type=int, default=128)
        parser.add_argument("--ef-construction", type=int, default=80)

    def handle(self, *args: object, **options: object) -> None:
        deployment = Deployment.objects.filter(id=options["deployment_id"]).first()
        if deployment is None:
            raise CommandError(f"No deployment {options['deployment_id']}.")
        try:
            config = IndexConfig(kind=options["kind"], nlist=options["nlist"],
                                 nprobe=options["nprobe"], m=options["m"],
                                 ef_search=options["ef_search"],
                                 ef_construction=options["ef_construction"])
            measured = gallery_index_choose(deployment=deployment, config=config, actor=None)
        except ValueError as exc:
            raise CommandError(str(exc)) from exc
        except DomainError as exc:
            raise CommandError(f"{exc.code}: {exc.detail}") from exc
        if measured is None:
            self.stdout.write(f"Deployment {deployment.id}: exact search.")
        else:
            self.stdout.write(
                f"Deployment {deployment.id}: {config.kind} {config.params()} switched on; "
                f"recall@1 {measured.recall_at_1:.4%} over {measured.probes} probes of "
                f"{measured.templates} templates, {measured.exact_ms:.2f} ms exact vs "
                f"{measured.approximate_ms:.2f} ms approximate per probe.")
