from services.inspectie.app import service

service.run()
